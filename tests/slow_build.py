"""A deliberately slow index build, to be killed mid-way by tests/test_faults.py.

    python tests/slow_build.py CORPUS INDEX_DIR MARKER PHASE

Builds INDEX_DIR from CORPUS with the fake embedder, but stops at PHASE, writes MARKER
(so the test knows the build is exactly there) and sleeps until it is killed:

    embed   inside encode_passages (nothing written yet)
    write   after pledges.jsonl and dense.faiss are in the temporary directory, before lexical/
    fsync   the temporary directory is complete (manifest included) but not yet renamed
    swap    the old index has been renamed away, the new one not yet renamed into place

Not a test module (pytest does not collect it); a helper run as a subprocess.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from fakes import FakeEmbedder  # noqa: E402

import index.storage.store as store  # noqa: E402
from index.storage.config import IndexConfig  # noqa: E402
from index.storage.lexical import LexicalIndex  # noqa: E402

PHASES = ("embed", "write", "fsync", "swap")
SLEEP_SECONDS = 120.0


def _stall(marker: Path, phase: str) -> None:
    """Tell the test where we are, then wait to be killed."""
    marker.write_text(phase, encoding="utf-8")
    time.sleep(SLEEP_SECONDS)


def main(argv: list[str]) -> int:
    corpus, index_dir, marker, phase = Path(argv[0]), Path(argv[1]), Path(argv[2]), argv[3]
    if phase not in PHASES:
        raise SystemExit(f"phase must be one of {PHASES}")
    embedder = FakeEmbedder()

    if phase == "embed":
        real_encode = embedder.encode_passages

        def encode_passages(texts, show_progress=False):  # type: ignore[no-untyped-def]
            half = real_encode(texts[: len(texts) // 2])
            _stall(marker, phase)
            return half

        embedder.encode_passages = encode_passages  # type: ignore[method-assign]
    elif phase == "write":
        real_save = LexicalIndex.save

        def save(self, path):  # type: ignore[no-untyped-def]
            _stall(marker, phase)
            return real_save(self, path)

        LexicalIndex.save = save  # type: ignore[method-assign]
    elif phase == "fsync":
        real_fsync = store._fsync_dir

        def fsync_dir(path: Path) -> None:
            real_fsync(path)
            _stall(marker, phase)

        store._fsync_dir = fsync_dir  # type: ignore[assignment]
    else:
        real_rename = os.rename

        def rename(src, dst):  # type: ignore[no-untyped-def]
            real_rename(src, dst)
            if Path(src) == index_dir:  # the previous index was just moved aside
                _stall(marker, phase)

        os.rename = rename  # type: ignore[assignment]

    store.build_index(corpus, index_dir, embedder, IndexConfig(model="fake"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
