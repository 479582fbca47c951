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

from index.storage.config import IndexConfig  # noqa: E402
from index.storage.store import LoadedIndex, build_index  # noqa: E402
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


@pytest.fixture(scope="session")
def real_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh data dir with the default model's index, built once per session by
    `python -m index build` as people run it (real-model tests only).

    The assembled EmbeddingGemma folder (1.2 GB) is shared with the checkout's
    `.nachgefragt/models` (scripts/setup.sh assembles it there; `fetch-model` here if not),
    so only the index build is repeated, not the download and verification.
    """
    import subprocess

    repo_models = ROOT / ".nachgefragt" / "models"
    fetched = subprocess.run([sys.executable, "-m", "index", "fetch-model"], cwd=ROOT, capture_output=True, text=True)
    assert fetched.returncode == 0, fetched.stderr[-2000:]
    data = tmp_path_factory.mktemp("real-data")
    (data / "models").symlink_to(repo_models, target_is_directory=True)
    built = ROOT / ".nachgefragt" / "index"
    if (built / "manifest.json").is_file():  # a checkout's own index: `build` checks it and reuses it if fresh
        import shutil

        shutil.copytree(built, data / "index")
    done = subprocess.run([sys.executable, "-m", "index", "build", "--data-dir", str(data)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    (data / "build.stdout").write_text(done.stdout)
    return data


@pytest.fixture(scope="session")
def fake_qa_session(fake_index: LoadedIndex) -> QA:
    """One pipeline for a whole session (property tests may not use function-scoped fixtures)."""
    return QA(fake_index, FakeEmbedder())
