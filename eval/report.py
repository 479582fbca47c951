"""Where evaluation reports are written (eval/reports/) and what every report records about how
it was made: the command, the git revision (and whether tracked files differed from it), the
library versions, and per model its dtype and index digest."""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.storage.versions import library_versions
from qa.cache import index_digest

if TYPE_CHECKING:
    from qa.pipeline import QA

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "eval" / "reports"


def command_line(module: str, argv: list[str] | None = None) -> str:
    """The command as typed: "python -m eval.typos --split dev"."""
    return " ".join(["python -m " + module, *(sys.argv[1:] if argv is None else argv)])


def git_state(root: Path = ROOT) -> dict[str, Any]:
    """The commit the code is at and whether tracked files differ from it (None: no git)."""
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                    capture_output=True, text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        return {"revision": "unknown", "dirty": None}
    return {"revision": rev, "dirty": dirty}


def report_metadata(command: str, models: Iterable["QA"] = ()) -> dict[str, Any]:
    """What a report was made with (store it under "meta")."""
    meta: dict[str, Any] = {"command": command, "git": git_state(), "versions": library_versions()}
    for qa in models:
        manifest = qa.index.manifest
        meta.setdefault("models", {})[qa.index.model_id] = {
            "dtype": getattr(qa.embedder, "dtype", ""), "index_digest": index_digest(manifest),
            "index": {k: manifest.get(k) for k in ("format", "corpus_sha256", "code_sha256", "config", "count")}}
    return meta
