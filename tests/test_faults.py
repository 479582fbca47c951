"""Index faults end to end: every kind of damage or staleness is detected by `load_index` /
`check_fresh` with a clear message AND `open_index` then rebuilds (logging why), so results are
never served from vectors that do not belong to the pledge metadata. Plus real kills: a build
process is SIGKILLed at several points and the previous index must still be usable.

tests/test_store.py covers the detection side of truncated/missing files; here every case also
goes through `open_index` and checks the served index row by row.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import faiss
import numpy as np
import pytest
from fakes import FakeEmbedder

from index.storage.config import FORMAT_VERSION, IndexConfig
from index.storage.store import (
    DENSE, LEXICAL, MANIFEST, PLEDGES, CorruptIndexError, LoadedIndex, StaleIndexError, _checksums, build_index,
    check_fresh, embed_passages, load_index, open_index,
)
from qa.pipeline import QA

CONFIG = IndexConfig(model="fake")
HERE = Path(__file__).resolve().parent
PROGRAMME = "wahlprogramm-2025.txt"
STORE_LOGGER = "index.storage.store"


# ---------------------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """One fake index of the real corpus, built once and copied for each test."""
    index_dir = tmp_path_factory.mktemp("pristine") / "index"
    build_index(corpus_dir, index_dir, FakeEmbedder(), CONFIG)
    return index_dir


@pytest.fixture()
def built(tmp_path: Path, corpus_copy: Path, pristine: Path) -> tuple[Path, Path]:
    """(corpus, index_dir): a writable corpus and a fresh fake index of it (a copy of `pristine`)."""
    index_dir = tmp_path / "data" / "index"
    shutil.copytree(pristine, index_dir)
    return corpus_copy, index_dir


class _MemoEmbedder(FakeEmbedder):
    """The fake embedder with a per-text cache, so checking every row stays cheap."""

    _cache: dict[tuple[int, str, str], np.ndarray] = {}

    def encode_passages(self, texts, show_progress=False):  # type: ignore[no-untyped-def]
        return np.stack([self._memo(t) for t in texts]) if texts else super().encode_passages(texts)

    def _memo(self, text: str) -> np.ndarray:
        key = (self.dim, self.model_id, text)
        if key not in self._cache:
            self._cache[key] = self._vector(text)
        return self._cache[key]


def assert_vectors_belong(loaded: LoadedIndex, embedder: FakeEmbedder, config: IndexConfig = CONFIG) -> None:
    """Every stored vector is the embedding of the pledge in the same row (row i ↔ pledge i)."""
    assert loaded.dense.ntotal == len(loaded.pledges) == loaded.manifest["count"]
    stored = loaded.dense.reconstruct_n(0, loaded.dense.ntotal)
    expected = embed_passages(list(loaded.pledges), _MemoEmbedder(embedder.dim, embedder.model_id), config)
    assert np.allclose(stored, expected, atol=1e-5), "served vectors do not belong to the pledges"


class CountingEmbedder(FakeEmbedder):
    """Counts the passages it embeds: a rebuild embeds all of them, serving an intact index
    at most the few that open_index spot-checks."""

    def __init__(self, dim: int = 256, model_id: str = "fake-hash-256") -> None:
        super().__init__(dim, model_id)
        self.passages = 0

    def encode_passages(self, texts, show_progress=False):  # type: ignore[no-untyped-def]
        self.passages += len(texts)
        return super().encode_passages(texts, show_progress)


def rebuilt(emb: CountingEmbedder, loaded: LoadedIndex) -> bool:
    return emb.passages >= len(loaded.pledges)


def reopen(corpus: Path, index_dir: Path, caplog: pytest.LogCaptureFixture,
           embedder: CountingEmbedder | None = None) -> tuple[LoadedIndex, CountingEmbedder, str]:
    """open_index as the app does; returns the index, the embedder used and the store's log."""
    emb = embedder or CountingEmbedder()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=STORE_LOGGER):
        loaded = open_index(corpus, index_dir, CONFIG, emb.model_id, lambda: emb)
    return loaded, emb, caplog.text


def edit_manifest(index_dir: Path, change: Callable[[dict], None]) -> None:
    manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    change(manifest)
    (index_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")


def edit_pledge_rows(index_dir: Path, change: Callable[[list[dict]], None]) -> None:
    rows = [json.loads(line) for line in (index_dir / PLEDGES).read_text(encoding="utf-8").splitlines()]
    change(rows)
    (index_dir / PLEDGES).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                     encoding="utf-8")


def _change_text(rows: list[dict]) -> None:
    rows[42]["text"] = "den Flughafen vergolden."


def _swap_rows(rows: list[dict]) -> None:
    rows[10], rows[11] = rows[11], rows[10]


def _other_vectors(index_dir: Path) -> None:
    """A perfectly valid FAISS file with the same count and dimension, but other vectors."""
    old = faiss.read_index(str(index_dir / DENSE))
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(old.ntotal, old.d)).astype(np.float32)
    faiss.normalize_L2(vectors)
    other = faiss.IndexFlatIP(old.d)
    other.add(vectors)
    faiss.write_index(other, str(index_dir / DENSE))


def _shuffled_vectors(index_dir: Path) -> None:
    """The right vectors in the wrong rows (a row-order bug would look like this)."""
    old = faiss.read_index(str(index_dir / DENSE))
    vectors = old.reconstruct_n(0, old.ntotal)[::-1].copy()
    other = faiss.IndexFlatIP(old.d)
    other.add(vectors)
    faiss.write_index(other, str(index_dir / DENSE))


def _truncate_lexical(index_dir: Path) -> None:
    target = index_dir / LEXICAL / "vocab.index.json"
    target.write_bytes(target.read_bytes()[:100])


def _drop_dense_from_manifest(index_dir: Path) -> None:
    edit_manifest(index_dir, lambda m: m["files"].pop(DENSE))


def _wrong_dim_in_manifest(index_dir: Path) -> None:
    edit_manifest(index_dir, lambda m: m.update(dim=m["dim"] * 2))


def _wrong_checksum_in_manifest(index_dir: Path) -> None:
    edit_manifest(index_dir, lambda m: m["files"].update({PLEDGES: "0" * 64}))


def _manifest_not_an_object(index_dir: Path) -> None:
    (index_dir / MANIFEST).write_text("[1, 2, 3]", encoding="utf-8")


def _fewer_pledges_recounted(index_dir: Path) -> None:
    """Drop a pledge row and make the manifest agree about the file: counts still disagree."""
    edit_pledge_rows(index_dir, lambda rows: rows.pop())
    edit_manifest(index_dir, lambda m: (m["files"].update(_checksums(index_dir)), m.update(count=m["count"] - 1)))


def _empty_dir(index_dir: Path) -> None:
    for path in sorted(index_dir.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()


# ------------------------------------------------------------------ damaged → rebuilt

DAMAGE = {
    "pledge text edited, same count": (lambda d: edit_pledge_rows(d, _change_text),
                                       "pledges.jsonl does not match the manifest checksum"),
    "pledge rows reordered": (lambda d: edit_pledge_rows(d, _swap_rows),
                              "pledges.jsonl does not match the manifest checksum"),
    "dense.faiss with other vectors, same count": (_other_vectors, "dense.faiss does not match the manifest checksum"),
    "dense.faiss rows shuffled": (_shuffled_vectors, "dense.faiss does not match the manifest checksum"),
    "lexical file truncated": (_truncate_lexical, "lexical/vocab.index.json does not match"),
    "manifest checksum edited": (_wrong_checksum_in_manifest, "pledges.jsonl does not match the manifest checksum"),
    "manifest forgets dense.faiss": (_drop_dense_from_manifest, "manifest lists the wrong files"),
    "manifest claims another dimension": (_wrong_dim_in_manifest, "vector dimension"),
    "manifest not an object": (_manifest_not_an_object, "manifest is not a JSON object"),
    "pledge dropped, checksums recomputed": (_fewer_pledges_recounted, "counts disagree"),
    "index dir emptied": (_empty_dir, "no manifest"),
}


@pytest.mark.parametrize("case", list(DAMAGE), ids=list(DAMAGE))
def test_damage_is_refused_then_rebuilt(built, caplog, case: str) -> None:
    corpus, index_dir = built
    original = load_index(index_dir)
    damage, message = DAMAGE[case]
    damage(index_dir)

    with pytest.raises(CorruptIndexError, match=message):  # refused, with a clear reason
        load_index(index_dir)

    loaded, emb, log_text = reopen(corpus, index_dir, caplog)
    assert "is damaged" in log_text and "rebuilding" in log_text and message.split(" (")[0] in log_text
    assert rebuilt(emb, loaded), "open_index must rebuild, not serve the damaged index"
    assert loaded.pledges == original.pledges
    assert_vectors_belong(loaded, emb)
    assert_vectors_belong(load_index(index_dir), emb)  # and the rebuilt files on disk agree
    assert sorted(p.name for p in index_dir.parent.iterdir()) == ["index"]


def test_edited_pledge_text_is_never_served(built, caplog) -> None:
    """The edited text must not reach an answer: after open_index the original row is back."""
    corpus, index_dir = built
    edit_pledge_rows(index_dir, _change_text)
    loaded, emb, _ = reopen(corpus, index_dir, caplog)
    answer = QA(loaded, emb).ask("Flughafen vergolden", top_k=10)
    assert not answer.error
    assert all("vergolden" not in h.pledge.text for h in answer.hits)


def test_other_vectors_with_matching_checksum_are_never_served(built, caplog) -> None:
    """A dense.faiss with other vectors AND a manifest that vouches for it (a buggy writer, a
    backup of another build): the checksums pass, open_index's spot check must catch it."""
    corpus, index_dir = built
    _other_vectors(index_dir)
    edit_manifest(index_dir, lambda m: m["files"].update(_checksums(index_dir)))
    load_index(index_dir)  # the files agree with the manifest ...

    loaded, emb, log_text = reopen(corpus, index_dir, caplog)  # ... but not with the pledges
    assert "is damaged" in log_text and "does not belong to passage" in log_text
    assert rebuilt(emb, loaded)
    assert_vectors_belong(loaded, emb)


# --------------------------------------------------------------------- stale → rebuilt

def _append_to_programme(corpus: Path) -> None:
    f = corpus / PROGRAMME
    f.write_text(f.read_text(encoding="utf-8") + "\nDafür werden wir\n● den Zebrastreifen am Phoenixsee lila streichen.\n",
                 encoding="utf-8")


def _edit_programme_line(corpus: Path) -> None:
    f = corpus / PROGRAMME
    f.write_text(f.read_text(encoding="utf-8").replace("Flughafen", "Zebraflughafen", 1), encoding="utf-8")


def _edit_sections(corpus: Path) -> None:
    f = corpus / "sections.tsv"
    f.write_text(f.read_text(encoding="utf-8") + "\n", encoding="utf-8")


def _add_source(corpus: Path) -> None:
    (corpus / "zusatz.txt").write_text("Dafür werden wir\n● den Zebrastreifen am Phoenixsee lila streichen.\n",
                                       encoding="utf-8")


STALE_CORPUS = {
    "programme text appended": _append_to_programme,
    "programme line edited": _edit_programme_line,
    "sections.tsv edited": _edit_sections,
    "new source file": _add_source,
}


@pytest.mark.parametrize("case", list(STALE_CORPUS), ids=list(STALE_CORPUS))
def test_changed_corpus_is_stale_then_rebuilt(built, caplog, case: str) -> None:
    corpus, index_dir = built
    STALE_CORPUS[case](corpus)
    with pytest.raises(StaleIndexError, match="the corpus changed since the index was built"):
        check_fresh(load_index(index_dir).manifest, corpus, "fake-hash-256", CONFIG)

    loaded, emb, log_text = reopen(corpus, index_dir, caplog)
    assert "is stale (the corpus changed since the index was built): rebuilding" in log_text
    assert rebuilt(emb, loaded)
    check_fresh(loaded.manifest, corpus, emb.model_id, CONFIG)
    assert_vectors_belong(loaded, emb)
    if "Zebrastreifen" in (corpus / PROGRAMME).read_text(encoding="utf-8") or (corpus / "zusatz.txt").exists():
        top = QA(loaded, emb).ask("lila Zebrastreifen am Phoenixsee", top_k=1).hits[0].pledge
        assert "Zebrastreifen" in top.text


def test_another_model_is_stale_then_rebuilt(built, caplog) -> None:
    corpus, index_dir = built
    other = CountingEmbedder(dim=128, model_id="fake-other-128")
    with pytest.raises(StaleIndexError, match="built with model 'fake-hash-256', now 'fake-other-128'"):
        check_fresh(load_index(index_dir).manifest, corpus, other.model_id, CONFIG)

    loaded, emb, log_text = reopen(corpus, index_dir, caplog, other)
    assert "is stale (built with model 'fake-hash-256', now 'fake-other-128'): rebuilding" in log_text
    assert rebuilt(emb, loaded) and loaded.dense.d == 128 and loaded.model_id == "fake-other-128"
    assert_vectors_belong(loaded, emb)


MANIFEST_CLAIMS = {
    "another model": (lambda m: m.update(model="sentence-transformers/other"),
                      "built with model 'sentence-transformers/other', now 'fake-hash-256'"),
    "another corpus hash": (lambda m: m.update(corpus_sha256="0" * 64), "the corpus changed since the index was built"),
    "another format": (lambda m: m.update(format=0), f"index format 0 != {FORMAT_VERSION}"),
    "another config": (lambda m: m["config"].update(passage_context="both"), "built with config"),
}


@pytest.mark.parametrize("case", list(MANIFEST_CLAIMS), ids=list(MANIFEST_CLAIMS))
def test_manifest_claiming_something_else_is_stale_then_rebuilt(built, caplog, case: str) -> None:
    corpus, index_dir = built
    change, message = MANIFEST_CLAIMS[case]
    edit_manifest(index_dir, change)
    with pytest.raises(StaleIndexError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_fresh(load_index(index_dir).manifest, corpus, "fake-hash-256", CONFIG)

    loaded, emb, log_text = reopen(corpus, index_dir, caplog)
    assert f"is stale ({message}" in log_text and "rebuilding" in log_text
    assert rebuilt(emb, loaded)
    check_fresh(loaded.manifest, corpus, emb.model_id, CONFIG)
    assert_vectors_belong(loaded, emb)


# ------------------------------------------------------------------------- real kills

def leftovers(index_dir: Path) -> list[str]:
    """Sibling directories a killed build leaves behind (`.index.tmp-*`, `.index.old-*`)."""
    return sorted(p.name for p in index_dir.parent.iterdir() if p.name.startswith(f".{index_dir.name}."))


def kill_build_at(corpus: Path, index_dir: Path, phase: str, tmp_path: Path, timeout: float = 60.0) -> None:
    """Run tests/slow_build.py until it reports `phase`, then SIGKILL it."""
    marker = tmp_path / f"at-{phase}"
    proc = subprocess.Popen([sys.executable, str(HERE / "slow_build.py"), str(corpus), str(index_dir), str(marker),
                             phase], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + timeout
        while not marker.exists():
            if proc.poll() is not None:
                pytest.fail(f"slow build exited early ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"slow build never reached {phase}")
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        proc.stderr.close()  # type: ignore[union-attr]


@pytest.mark.parametrize("phase", ["embed", "write", "fsync"])
def test_killed_build_leaves_previous_index_usable(built, tmp_path: Path, caplog, phase: str) -> None:
    """SIGKILL while embedding, while writing files, or with a complete but unrenamed temp dir:
    the previous index is byte-for-byte untouched, open_index serves it without rebuilding and
    removes the temp dir the dead build left behind."""
    corpus, index_dir = built
    before = {p.relative_to(index_dir): p.read_bytes() for p in index_dir.rglob("*") if p.is_file()}

    kill_build_at(corpus, index_dir, phase, tmp_path)

    after = {p.relative_to(index_dir): p.read_bytes() for p in index_dir.rglob("*") if p.is_file()}
    assert after == before
    # a kill before the temp dir exists leaves nothing; later kills leave `.index.tmp-<pid>-*`
    expected = [] if phase == "embed" else [".index.tmp"]
    assert [name.split("-")[0] for name in leftovers(index_dir)] == expected
    loaded, emb, log_text = reopen(corpus, index_dir, caplog)
    assert not rebuilt(emb, loaded) and "rebuilding" not in log_text, "the intact previous index is served"
    assert_vectors_belong(loaded, emb)
    assert QA(loaded, emb).ask("Flughafen schließen").hits[0].pledge.id == "wahlprogramm-2025:3055"
    assert leftovers(index_dir) == [], "open_index removes what the killed build left"


def test_kill_between_renames_heals_by_rebuilding(built, tmp_path: Path, caplog) -> None:
    """The one window where index_dir is missing: the old index was renamed away and the new
    one not yet into place. open_index must still end with a correct index."""
    corpus, index_dir = built
    kill_build_at(corpus, index_dir, "swap", tmp_path)
    assert not index_dir.exists()
    assert sorted(name.split("-")[0] for name in leftovers(index_dir)) == [".index.old", ".index.tmp"]

    loaded, emb, _ = reopen(corpus, index_dir, caplog)
    assert_vectors_belong(loaded, emb)
    check_fresh(loaded.manifest, corpus, emb.model_id, CONFIG)
    assert leftovers(index_dir) == []


def test_kill_between_renames_restores_previous_index(built, tmp_path: Path, caplog) -> None:
    corpus, index_dir = built
    kill_build_at(corpus, index_dir, "swap", tmp_path)
    loaded, emb, _ = reopen(corpus, index_dir, caplog)
    assert not rebuilt(emb, loaded)
