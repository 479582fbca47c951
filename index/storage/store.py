"""Build, save and load the index directory (the only module that writes index files).

Layout (plain files, bm25s style):
    manifest.json   format, corpus sha256, model id, config, library versions, count, checksums
    pledges.jsonl   row i ↔ vector i
    dense.faiss     IndexFlatIP over L2-normalised float32 vectors
    lexical/        bm25s.save() output (German-analysed tokens), row i ↔ pledge i
    bank.jsonl      the question bank's entries (corpus/question-bank.jsonl), row j ↔ bank vector j
    bank.faiss      IndexFlatIP over the bank questions, embedded as queries (as people ask)

A build writes into a temporary sibling directory and renames it into place (an interrupted
build leaves the previous index untouched). A stale (StaleIndexError) or damaged
(CorruptIndexError) index is refused on load; `open_index` rebuilds it and logs why.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import faiss
import numpy as np

from index.storage.analyse import Analyser
from index.sources.bank import BankEntry, entry_to_json, load_bank
from index.storage.bank_store import BANK, BANK_DENSE, bank_facts, embed_bank, load_bank_files, usable_bank
from index.storage.config import FORMAT_VERSION, IndexConfig
from index.defaults import corpus_sources
from index.storage.atomic import MANIFEST, _fsync_dir, _swap_into_place, remove_leftovers
from index.storage.freshness import IndexError_, StaleIndexError, check_fresh, code_sha256, corpus_sha256
from index.storage.lexical import LexicalIndex
from index.sources.parse import parse_corpus
from index.sources.pledge import Pledge
from index.sources.serialise import pledge_from_json, pledge_to_json
from index.storage.versions import library_versions

if TYPE_CHECKING:
    from index.models.embed import Embedder

log = logging.getLogger(__name__)

PLEDGES = "pledges.jsonl"
DENSE = "dense.faiss"
LEXICAL = "lexical"


class CorruptIndexError(IndexError_):
    """Index files are missing, truncated or do not match each other."""


@dataclass(frozen=True, slots=True)
class LoadedIndex:
    """An index in memory: passages and their vectors, row i ↔ pledge i."""

    manifest: dict[str, Any]
    pledges: tuple[Pledge, ...]
    dense: faiss.Index
    lexical: LexicalIndex
    bank: tuple[BankEntry, ...] = ()
    bank_dense: faiss.Index | None = None  # row j ↔ bank[j]; None or empty without a bank

    @property
    def model_id(self) -> str:
        return str(self.manifest["model"])


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_index(corpus_dir: Path, index_dir: Path, embedder: Embedder, config: IndexConfig) -> LoadedIndex:
    """Parse the corpus, embed every passage and write the index directory atomically."""
    started = time.perf_counter()
    pledges = parse_corpus(corpus_dir)
    vectors = embed_passages(pledges, embedder, config)
    if vectors.shape != (len(pledges), embedder.dim):
        raise RuntimeError(f"embedder returned shape {vectors.shape}, expected {(len(pledges), embedder.dim)}")
    dense = faiss.IndexFlatIP(embedder.dim)
    dense.add(vectors)
    lexical = _build_lexical(pledges, config)
    bank = usable_bank(load_bank(corpus_dir), {p.id for p in pledges})
    bank_dense = faiss.IndexFlatIP(embedder.dim)
    if bank:
        bank_dense.add(embed_bank(bank, embedder))

    index_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(index_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.tmp-{os.getpid()}-", dir=index_dir.parent))
    try:
        with open(tmp / PLEDGES, "w", encoding="utf-8") as fh:
            for p in pledges:
                fh.write(json.dumps(pledge_to_json(p), ensure_ascii=False) + "\n")
        faiss.write_index(dense, str(tmp / DENSE))
        lexical.save(tmp / LEXICAL)
        with open(tmp / BANK, "w", encoding="utf-8") as fh:
            for e in bank:
                fh.write(json.dumps(entry_to_json(e), ensure_ascii=False) + "\n")
        faiss.write_index(bank_dense, str(tmp / BANK_DENSE))
        manifest = {
            "format": FORMAT_VERSION,
            "corpus_sha256": corpus_sha256(corpus_dir),
            "code_sha256": code_sha256(),
            "model": embedder.model_id,
            "embedder": _embedder_facts(embedder),
            "config": config.to_json(),
            "versions": library_versions(),
            "count": len(pledges),
            "bank": bank_facts(corpus_dir, bank),
            "dim": embedder.dim,
            "files": _checksums(tmp),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        _fsync_dir(tmp)
        _swap_into_place(tmp, index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("index written to %s (%d passages, %d bank questions, %.1f s)", index_dir, len(pledges), len(bank),
             time.perf_counter() - started)
    return LoadedIndex(manifest, tuple(pledges), dense, lexical, bank, bank_dense)


def embed_passages(pledges: list[Pledge], embedder: "Embedder", config: IndexConfig) -> np.ndarray:
    """One vector per passage: the mean of the embeddings of its configured texts, each with
    the passage's title when the config sets one (`IndexConfig.title`)."""
    variants = [config.passage_texts(p.section, p.sentence) for p in pledges]
    width = len(variants[0]) if variants else 1
    flat = [t for v in variants for t in v]
    log.info("embedding %d passages (%d texts) with %s", len(pledges), len(flat), embedder.model_id)
    titles = [config.title(p.section) for p in pledges]
    if any(t is not None for t in titles):
        flat_titles = [t or "none" for t, v in zip(titles, variants) for _ in v]
        encoded = embedder.encode_passages(flat, show_progress=True, titles=flat_titles)
    else:
        encoded = embedder.encode_passages(flat, show_progress=True)
    encoded = np.asarray(encoded, dtype=np.float32)
    return np.ascontiguousarray(encoded.reshape(len(pledges), width, -1).mean(axis=1), dtype=np.float32)


def _embedder_facts(embedder: "Embedder") -> dict[str, Any]:
    """What a reader needs to reproduce the vectors: prompts and compute type (when known)."""
    return {k: getattr(embedder, k) for k in ("name", "dtype", "query_prompt", "passage_prompt")
            if isinstance(getattr(embedder, k, None), str)}


def _lexical_docs(pledges: tuple[Pledge, ...] | list[Pledge], config: IndexConfig) -> list[str]:
    return [config.lexical_text(p.section, p.text) for p in pledges]


def _build_lexical(pledges: list[Pledge], config: IndexConfig) -> LexicalIndex:
    docs = _lexical_docs(pledges, config)
    return LexicalIndex.build(docs, Analyser.for_corpus(docs), k1=config.bm25_k1, b=config.bm25_b)


def _checksums(directory: Path) -> dict[str, str]:
    """sha256 of every file below `directory` except the manifest, by relative path."""
    return {
        path.relative_to(directory).as_posix(): _file_sha256(path)
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def read_manifest(index_dir: Path) -> dict[str, Any]:
    """The manifest, or CorruptIndexError when missing or unreadable."""
    try:
        manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CorruptIndexError(f"no manifest in {index_dir}") from exc
    except (OSError, ValueError) as exc:
        raise CorruptIndexError(f"unreadable manifest in {index_dir}: {exc}") from exc
    if not isinstance(manifest, dict):
        raise CorruptIndexError("manifest is not a JSON object")
    return manifest


def load_fresh_index(index_dir: Path, corpus_dir: Path, model_id: str, config: IndexConfig) -> LoadedIndex:
    """Load an intact index and check it is fresh for this corpus, code, model and config:
    the one check behind both `open_index` (build, serve) and `python -m index info`.
    Raises CorruptIndexError or StaleIndexError."""
    loaded = load_index(index_dir)
    check_fresh(loaded.manifest, corpus_dir, model_id, config)
    return loaded


def load_index(index_dir: Path) -> LoadedIndex:
    """Load and verify an index directory (checksums, counts, dimensions)."""
    manifest = read_manifest(index_dir)
    for name, expected in (manifest.get("files") or {}).items():
        path = index_dir / name
        if not path.is_file():
            raise CorruptIndexError(f"{name} is missing")
        if _file_sha256(path) != expected:
            raise CorruptIndexError(f"{name} does not match the manifest checksum (damaged or replaced)")
    names = set(manifest.get("files") or {})
    if not {PLEDGES, DENSE} <= names or not any(n.startswith(LEXICAL + "/") for n in names):
        raise CorruptIndexError("manifest lists the wrong files")
    try:
        dense = faiss.read_index(str(index_dir / DENSE))
    except RuntimeError as exc:
        raise CorruptIndexError(f"{DENSE} cannot be read: {exc}") from exc
    try:
        with open(index_dir / PLEDGES, encoding="utf-8") as fh:
            pledges = tuple(pledge_from_json(json.loads(line)) for line in fh if line.strip())
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptIndexError(f"{PLEDGES} is malformed: {exc}") from exc
    if not (len(pledges) == dense.ntotal == manifest.get("count")):
        raise CorruptIndexError(
            f"counts disagree: {len(pledges)} passages, {dense.ntotal} vectors, manifest {manifest.get('count')}"
        )
    if dense.d != manifest.get("dim"):
        raise CorruptIndexError(f"vector dimension {dense.d} != manifest {manifest.get('dim')}")
    try:
        config = IndexConfig(**manifest["config"])
        docs = _lexical_docs(pledges, config)
        lexical = LexicalIndex.load(index_dir / LEXICAL, Analyser.for_corpus(docs), len(pledges))
        lexical.set_documents(docs)
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise CorruptIndexError(f"lexical index cannot be read: {exc}") from exc
    bank, bank_dense = load_bank_files(index_dir, manifest, CorruptIndexError)
    return LoadedIndex(manifest, pledges, dense, lexical, bank, bank_dense)


def verify_sample(loaded: LoadedIndex, embedder: "Embedder", config: IndexConfig, rows: int = 3) -> None:
    """Re-embed a few passages and compare with their stored vectors, so vectors that do not
    belong to the metadata are never served, even when a manifest vouches for them. An index
    whose manifest says its passages were embedded with another document prompt than the model
    uses now is stale (a few vectors can agree by chance; the prompt must)."""
    built = loaded.manifest.get("embedder") if isinstance(loaded.manifest, dict) else None
    if isinstance(built, dict) and isinstance(built.get("passage_prompt"), str):
        now = _embedder_facts(embedder).get("passage_prompt")
        if now is not None and now != built["passage_prompt"]:
            raise StaleIndexError(f"passages were embedded with the prompt {built['passage_prompt']!r}, "
                                  f"the model now uses {now!r}")
    n = loaded.dense.ntotal
    if n == 0:
        return
    # the shortest passage of each part of the index: as telling as any, and quick to embed
    # (the app runs this check between loading the model and its first answer)
    parts = np.array_split(np.arange(n), min(rows, n))
    picks = sorted(int(min(part, key=lambda r: len(loaded.pledges[r].text))) for part in parts if len(part))
    fresh = embed_passages([loaded.pledges[r] for r in picks], embedder, config)
    for row, vector in zip(picks, fresh):
        stored = loaded.dense.reconstruct(row)
        cosine = float(np.dot(stored, vector) / ((np.linalg.norm(stored) * np.linalg.norm(vector)) or 1.0))
        if cosine < 0.99:
            raise CorruptIndexError(f"vector {row} does not belong to passage {loaded.pledges[row].id} (cosine {cosine:.3f})")


def open_index(
    corpus_dir: Path,
    index_dir: Path,
    config: IndexConfig,
    model_id: str,
    make_embedder: Callable[[], Embedder],
    rebuild: bool = False,
    verify: bool = True,
) -> LoadedIndex:
    """Load the index if it is fresh and intact; otherwise (re)build it, logging why.

    A loaded index is spot-checked against the embedder (`verify_sample`); with `verify`
    False the caller must do that before serving it (the app does, once its model is
    loaded). A missing corpus raises CorpusMissingError (a clear message) before anything
    is touched.
    """
    corpus_sources(corpus_dir)
    remove_leftovers(index_dir)
    if not rebuild:
        try:
            loaded = load_fresh_index(index_dir, corpus_dir, model_id, config)
            if verify:
                verify_sample(loaded, make_embedder(), config)
            return loaded
        except CorruptIndexError as exc:
            if index_dir.exists():
                log.warning("index at %s is damaged (%s): rebuilding", index_dir, exc)
            else:
                log.info("no index at %s yet: building it", index_dir)
        except StaleIndexError as exc:
            log.warning("index at %s is stale (%s): rebuilding", index_dir, exc)
    return build_index(corpus_dir, index_dir, make_embedder(), config)
