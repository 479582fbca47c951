"""Shared fixtures: the real corpus folder, a fake embedder, and a small built index."""
from __future__ import annotations

import os
import shlex
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


SLOW_MARKERS = ("real_model", "browser", "load")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Fast tests first, then the slow ones (real model, browser, load), and last those that
    need the real index: the index build started at the session's start (`real_build`) has
    the fast tests' time to run in. Order within each group is kept."""
    def group(item: pytest.Item) -> int:
        if "real_data_dir" in getattr(item, "fixturenames", ()):
            return 2
        return 1 if any(item.get_closest_marker(m) for m in SLOW_MARKERS) else 0

    items.sort(key=group)


class RealBuild:
    """`python -m index fetch-model && python -m index build --data-dir D`, started in the
    background at the session's start at the lowest CPU priority (nice 19: it takes only the
    time the other tests leave idle), awaited by `real_data_dir`."""

    def __init__(self, data: Path) -> None:
        import subprocess

        self.data = data
        data.mkdir(parents=True, exist_ok=True)
        # The assembled EmbeddingGemma folder (1.2 GB) is shared with the checkout's
        # `.nachgefragt/models` (scripts/setup.sh assembles it there; `fetch-model` here if not),
        # so only the index build is repeated, not the download and verification.
        (data / "models").symlink_to(ROOT / ".nachgefragt" / "models", target_is_directory=True)
        built = ROOT / ".nachgefragt" / "index"
        if (built / "manifest.json").is_file():  # a checkout's own index: `build` checks it and reuses it if fresh
            shutil.copytree(built, data / "index")
        self.log = data / "build.log"
        py = shlex.quote(sys.executable)
        script = (f"{py} -m index fetch-model && "
                  f"{py} -m index build --data-dir {shlex.quote(str(data))} > {shlex.quote(str(data / 'build.stdout'))}")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(["sh", "-c", script], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, preexec_fn=lambda: os.nice(19))

    def wait(self) -> Path:
        code = self.proc.wait()
        assert code == 0, self.log.read_text(errors="replace")[-3000:]
        return self.data

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="session", autouse=True)
def real_build(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The real index's build, started before the first test when any test needs it."""
    if not any("real_data_dir" in getattr(item, "fixturenames", ()) for item in request.session.items):
        yield None
        return
    build = RealBuild(tmp_path_factory.mktemp("real-data"))
    yield build
    build.stop()


@pytest.fixture(scope="session")
def real_data_dir(real_build: RealBuild | None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh data dir with the default model's index, built once per session by
    `python -m index build` as people run it (real-model tests only), in the background from
    the session's start (`real_build`)."""
    build = real_build or RealBuild(tmp_path_factory.mktemp("real-data"))
    return build.wait()


@pytest.fixture(scope="session")
def fake_qa_session(fake_index: LoadedIndex) -> QA:
    """One pipeline for a whole session (property tests may not use function-scoped fixtures)."""
    return QA(fake_index, FakeEmbedder())
