"""Writing an index directory atomically and cleaning up after a killed build (names of
temporary and old directories carry the builder's pid)."""
from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

log = logging.getLogger("index.storage.store")

MANIFEST = "manifest.json"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(index_dir: Path) -> None:
    """Clean up after a killed build (names carry the builder's pid; a live builder's
    directories are left alone): a build killed between the two renames of the swap left no
    `index_dir` but the previous index as `.old-…`, which is put back; other temp and old
    directories are removed."""
    parent = index_dir.parent
    if not parent.is_dir():
        return
    if not index_dir.exists():
        for old in sorted(parent.glob(f".{index_dir.name}.old-*"), key=lambda p: p.stat().st_mtime, reverse=True):
            pid = old.name.rsplit(".old-", 1)[1].split("-", 1)[0]
            if pid.isdigit() and not _pid_alive(int(pid)) and (old / MANIFEST).is_file():
                log.warning("restoring the previous index from %s (a build was interrupted mid-swap)", old)
                os.rename(old, index_dir)
                break
    for path in parent.glob(f".{index_dir.name}.*-*"):
        kind, _, rest = path.name[len(index_dir.name) + 2 :].partition("-")
        pid = rest.split("-", 1)[0]
        if kind in ("tmp", "old") and pid.isdigit() and not _pid_alive(int(pid)) and path.is_dir():
            log.info("removing %s, left by an interrupted build", path)
            shutil.rmtree(path, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    for child in path.rglob("*"):
        if child.is_file():
            with open(child, "rb") as fh:
                os.fsync(fh.fileno())


def _swap_into_place(tmp: Path, index_dir: Path) -> None:
    """Replace index_dir by tmp; the old index is renamed away first and removed last."""
    old = None
    if index_dir.exists():
        old = index_dir.parent / f".{index_dir.name}.old-{os.getpid()}-{time.time_ns()}"
        os.rename(index_dir, old)
    os.rename(tmp, index_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
