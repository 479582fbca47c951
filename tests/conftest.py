"""Shared fixtures: the real corpus folder, a fake embedder, and a small built index."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakes import FakeEmbedder  # noqa: E402
from hypothesis import settings  # noqa: E402

# CI runs the property tests with a fixed seed (reproducible); locally they explore anew.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

from index.config import IndexConfig  # noqa: E402
from index.store import LoadedIndex, build_index  # noqa: E402
from qa.pipeline import QA  # noqa: E402


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return ROOT / "corpus"


@pytest.fixture()
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture()
def corpus_copy(tmp_path: Path, corpus_dir: Path) -> Path:
    """A writable copy of the corpus (for staleness tests)."""
    dest = tmp_path / "corpus"
    shutil.copytree(corpus_dir, dest)
    return dest


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> LoadedIndex:
    """The whole corpus indexed with the fake embedder (built once per session)."""
    out = tmp_path_factory.mktemp("fake-index") / "index"
    return build_index(corpus_dir, out, FakeEmbedder(), IndexConfig(model="fake"))


@pytest.fixture()
def fake_qa(fake_index: LoadedIndex) -> QA:
    return QA(fake_index, FakeEmbedder())
