"""Index freshness covers the code that made it; `index info` checks it as `build` does."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import index
import index.storage.freshness as freshness
import index.storage.store as store
from fakes import FakeEmbedder
from index.__main__ import main as index_main
from index.storage.config import IndexConfig
from index.storage.freshness import INDEX_CODE, StaleIndexError, check_fresh, code_sha256
from index.storage.store import build_index, load_index, open_index

INDEX_PACKAGE = Path(index.__file__).resolve().parent


@pytest.fixture()
def built(tmp_path: Path, corpus_dir: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    build_index(corpus_dir, data / "index-fake", FakeEmbedder(model_id="fake"), IndexConfig(model="fake"))
    return corpus_dir, data


def _pretend_the_code_changed(monkeypatch) -> None:
    for module in (freshness, store):
        monkeypatch.setattr(module, "code_sha256", lambda package_dir=INDEX_PACKAGE: "0" * 64)


def test_code_hash_follows_every_module_that_shapes_the_index(tmp_path: Path) -> None:
    copy = tmp_path / "index"
    shutil.copytree(INDEX_PACKAGE, copy)
    before = code_sha256(copy)
    assert before == code_sha256()
    # the embedding helpers, the config and the storing code too, not only the parser
    assert {"sources/parse.py", "storage/analyse.py", "models/embed.py", "storage/config.py",
            "storage/store.py", "storage/bank_store.py", "sources/bank.py"} <= set(INDEX_CODE)
    for name in INDEX_CODE:
        path = copy / name
        original = path.read_text(encoding="utf-8")
        path.write_text(original + "\n# changed\n", encoding="utf-8")
        assert code_sha256(copy) != before, name
        path.write_text(original, encoding="utf-8")
    assert code_sha256(copy) == before


def test_changed_code_makes_the_index_stale_and_rebuilds(built, monkeypatch, caplog) -> None:
    corpus, data = built
    index_dir = data / "index-fake"
    manifest = load_index(index_dir).manifest
    assert manifest["code_sha256"] == code_sha256()
    _pretend_the_code_changed(monkeypatch)
    with pytest.raises(StaleIndexError, match="parsing or analysing code changed"):
        check_fresh(manifest, corpus, "fake", IndexConfig(model="fake"))
    emb = FakeEmbedder(model_id="fake")
    with caplog.at_level("WARNING"):
        rebuilt = open_index(corpus, index_dir, IndexConfig(model="fake"), "fake", lambda: emb)
    assert "code changed" in caplog.text and emb.texts >= len(rebuilt.pledges)
    assert rebuilt.manifest["code_sha256"] == "0" * 64


def _info(data: Path, corpus: Path, capsys, *extra: str) -> dict:
    assert index_main(["info", "--json", "--model", "fake", "--data-dir", str(data), "--corpus", str(corpus), *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_info_checks_freshness_as_build_does(built, capsys, monkeypatch, tmp_path) -> None:
    corpus, data = built
    assert _info(data, corpus, capsys)["status"] == "fresh"
    # another corpus: stale (build would rebuild)
    other = tmp_path / "corpus"
    shutil.copytree(corpus, other)
    (other / "sections.tsv").write_text((other / "sections.tsv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _info(data, other, capsys)["status"].startswith("stale: the corpus changed")
    # changed code: stale, although the manifest agrees with itself
    _pretend_the_code_changed(monkeypatch)
    assert _info(data, corpus, capsys)["status"].startswith("stale: the parsing or analysing code changed")


def test_info_with_a_missing_corpus_is_a_clear_error(built, capsys, tmp_path) -> None:
    _, data = built
    assert index_main(["info", "--model", "fake", "--data-dir", str(data), "--corpus", str(tmp_path / "kein")]) == 2
    err = capsys.readouterr().err
    assert "Kein Korpus unter" in err and "Traceback" not in err


def test_an_index_embedded_with_another_passage_prompt_is_stale_and_rebuilt(tmp_path: Path, corpus_copy: Path) -> None:
    """The e5 bug of session 2: passages embedded without "passage: " while the model has it.
    Three spot-checked vectors can still agree; the manifest's recorded prompt must."""
    from fakes import FakeEmbedder

    from index.storage.config import IndexConfig
    from index.storage.store import build_index, open_index, verify_sample

    class Prompted(FakeEmbedder):
        def __init__(self, prompt: str) -> None:
            super().__init__()
            self.passage_prompt = prompt
            self.query_prompt = "query: "

    config = IndexConfig(model="fake")
    built = build_index(corpus_copy, tmp_path / "index", Prompted(""), config)
    assert built.manifest["embedder"]["passage_prompt"] == ""
    verify_sample(built, Prompted(""), config)  # the same prompt: fine
    with pytest.raises(StaleIndexError, match="passage: "):
        verify_sample(built, Prompted("passage: "), config)
    now = Prompted("passage: ")
    reopened = open_index(corpus_copy, tmp_path / "index", config, model_id=now.model_id, make_embedder=lambda: now)
    assert reopened.manifest["embedder"]["passage_prompt"] == "passage: "  # rebuilt with the model's prompt
