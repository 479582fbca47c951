"""Index store: build, load, staleness and damage detection, atomic rebuilds."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeEmbedder

from index.storage.config import FORMAT_VERSION, IndexConfig
from index.storage.store import (
    DENSE, MANIFEST, PLEDGES, CorruptIndexError, StaleIndexError, build_index, check_fresh, load_index, open_index,
)

CONFIG = IndexConfig(model="fake")


@pytest.fixture()
def built(tmp_path: Path, corpus_copy: Path) -> tuple[Path, Path]:
    index_dir = tmp_path / "data" / "index"
    build_index(corpus_copy, index_dir, FakeEmbedder(), CONFIG)
    return corpus_copy, index_dir


def test_build_writes_manifest_and_loads_back(built) -> None:
    corpus, index_dir = built
    manifest = json.loads((index_dir / MANIFEST).read_text())
    assert manifest["format"] == FORMAT_VERSION and manifest["model"] == "fake-hash-256"
    assert manifest["config"] == CONFIG.to_json()
    assert {"faiss-cpu", "numpy", "python"} <= set(manifest["versions"])
    loaded = load_index(index_dir)
    assert loaded.dense.ntotal == manifest["count"] == len(loaded.pledges) > 1000
    check_fresh(loaded.manifest, corpus, "fake-hash-256", CONFIG)
    # row i ↔ pledge i: the stored vector of a pledge is its embedding
    emb = FakeEmbedder()
    p = loaded.pledges[42]
    stored = loaded.dense.reconstruct(42)
    expected = emb.encode_passages(list(CONFIG.passage_texts(p.section, p.sentence))).mean(axis=0)
    assert np.allclose(stored, expected, atol=1e-6)
    # no temp dirs left behind
    assert [d.name for d in index_dir.parent.iterdir()] == ["index"]


def test_changed_corpus_is_stale(built) -> None:
    corpus, index_dir = built
    f = corpus / "wahlprogramm-2025.txt"
    f.write_text(f.read_text() + "\nNeuer Absatz.\n")
    with pytest.raises(StaleIndexError, match="corpus changed"):
        check_fresh(load_index(index_dir).manifest, corpus, "fake-hash-256", CONFIG)


def test_other_model_or_config_is_stale(built) -> None:
    corpus, index_dir = built
    manifest = load_index(index_dir).manifest
    with pytest.raises(StaleIndexError, match="model"):
        check_fresh(manifest, corpus, "another-model", CONFIG)
    with pytest.raises(StaleIndexError, match="config"):
        check_fresh(manifest, corpus, "fake-hash-256", IndexConfig(model="fake", passage_context="section"))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / DENSE).write_bytes((d / DENSE).read_bytes()[:1000]), "dense.faiss"),
        (lambda d: (d / DENSE).unlink(), "dense.faiss is missing"),
        (lambda d: (d / PLEDGES).write_text("\n".join((d / PLEDGES).read_text().splitlines()[:-1]) + "\n"), "pledges.jsonl"),
        (lambda d: (d / MANIFEST).write_text("{not json"), "unreadable manifest"),
        (lambda d: (d / MANIFEST).unlink(), "no manifest"),
    ],
)
def test_damage_is_detected(built, damage, message) -> None:
    _, index_dir = built
    damage(index_dir)
    with pytest.raises(CorruptIndexError, match=message):
        load_index(index_dir)


def test_manifest_that_no_longer_matches_vectors(built) -> None:
    _, index_dir = built
    manifest = json.loads((index_dir / MANIFEST).read_text())
    manifest["count"] += 1
    (index_dir / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CorruptIndexError, match="counts disagree"):
        load_index(index_dir)


def test_open_index_rebuilds_damaged_and_stale(built, caplog) -> None:
    corpus, index_dir = built
    (index_dir / DENSE).write_bytes(b"garbage")
    emb = FakeEmbedder()
    with caplog.at_level(logging.WARNING):
        loaded = open_index(corpus, index_dir, CONFIG, emb.model_id, lambda: emb)
    assert "damaged" in caplog.text and emb.texts == len(loaded.pledges) + len(loaded.bank)
    assert loaded.dense.ntotal == len(loaded.pledges) and loaded.bank_dense.ntotal == len(loaded.bank)
    # fresh now: a second open embeds only the three passages it spot-checks
    open_index(corpus, index_dir, CONFIG, emb.model_id, lambda: emb)
    assert emb.texts == len(loaded.pledges) + len(loaded.bank) + 3
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        open_index(corpus, index_dir, CONFIG, "other-model", lambda: FakeEmbedder(model_id="other-model"))
    assert "stale" in caplog.text and "other-model" in caplog.text
    assert load_index(index_dir).model_id == "other-model"


class _Exploding(FakeEmbedder):
    def encode_passages(self, texts, show_progress=False):
        raise KeyboardInterrupt("killed mid-build")


def test_interrupted_build_keeps_previous_index(built) -> None:
    corpus, index_dir = built
    before = (index_dir / MANIFEST).read_text()
    (corpus / "wahlprogramm-2025.txt").write_text("Ganz neuer Text.\n")
    with pytest.raises(KeyboardInterrupt):
        build_index(corpus, index_dir, _Exploding(), CONFIG)
    assert (index_dir / MANIFEST).read_text() == before
    assert load_index(index_dir).dense.ntotal > 1000
    assert [d.name for d in index_dir.parent.iterdir()] == ["index"]
