"""Is an index still what this corpus, code, model and config would build? (The manifest's
hashes against the current ones; pure apart from reading the corpus and code files.)"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from index.sources.bank import bank_sha256
from index.storage.config import FORMAT_VERSION, IndexConfig
from index.defaults import corpus_sources


class IndexError_(RuntimeError):
    """Base for index problems that a rebuild can fix."""


class StaleIndexError(IndexError_):
    """The index was built from another corpus, model, config or format."""


def corpus_sha256(corpus_dir: Path) -> str:
    """One hash over every corpus file (names and bytes), editorial tables included."""
    corpus_sources(corpus_dir)  # a clear error when the corpus is missing
    digest = hashlib.sha256()
    files = sorted(p for p in corpus_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    for path in files:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


# The modules whose behaviour decides the stored passages, vectors, lexical tokens and question
# bank (paths under index/): a change to any of them makes an index stale, so a fixed parser,
# analyser or embedding helper never serves old spans or vectors.
INDEX_CODE = (
    "defaults.py",  # which corpus files are sources
    "sources/bank.py", "sources/numbering.py", "sources/parse.py", "sources/pledge.py", "sources/sections.py",
    "sources/serialise.py", "sources/text.py", "sources/twins.py",
    "models/embed.py",  # prompts, dtype, normalisation of the stored vectors
    "storage/analyse.py", "storage/bank_store.py", "storage/config.py", "storage/lexical.py", "storage/store.py",
)
_INDEX_PACKAGE = Path(__file__).resolve().parent.parent


def code_sha256(package_dir: Path = _INDEX_PACKAGE) -> str:
    """One hash over the modules that shape the stored index (paths and bytes)."""
    digest = hashlib.sha256()
    for name in INDEX_CODE:
        digest.update(name.encode() + b"\0" + (package_dir / name).read_bytes() + b"\0")
    return digest.hexdigest()


def check_fresh(manifest: dict[str, Any], corpus_dir: Path, model_id: str, config: IndexConfig) -> None:
    """Raise StaleIndexError naming what changed since the index was built."""
    if manifest.get("format") != FORMAT_VERSION:
        raise StaleIndexError(f"index format {manifest.get('format')} != {FORMAT_VERSION}")
    built_bank = (manifest.get("bank") or {}).get("sha256") if isinstance(manifest.get("bank"), dict) else None
    if built_bank != bank_sha256(corpus_dir):
        raise StaleIndexError("the question bank changed since the index was built")
    if manifest.get("corpus_sha256") != corpus_sha256(corpus_dir):
        raise StaleIndexError("the corpus changed since the index was built")
    if manifest.get("code_sha256") != code_sha256():
        raise StaleIndexError("the parsing or analysing code changed since the index was built")
    if manifest.get("model") != model_id:
        raise StaleIndexError(f"built with model {manifest.get('model')!r}, now {model_id!r}")
    if manifest.get("config") != config.to_json():
        raise StaleIndexError(f"built with config {manifest.get('config')}, now {config.to_json()}")
