"""The question bank inside an index directory: embedding its questions at build time, the
manifest's record of it, and reading it back (`index.storage.store` calls these)."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import faiss
import numpy as np

from index.sources.bank import BankEntry, bank_sha256, entry_from_json

if TYPE_CHECKING:
    from index.models.embed import Embedder

log = logging.getLogger("index.storage.store")

BANK = "bank.jsonl"
BANK_DENSE = "bank.faiss"
_BANK_BATCH = 128


def bank_facts(corpus_dir: Path, bank: tuple[BankEntry, ...]) -> dict[str, Any]:
    """The manifest's record of the bank: its file's sha256 and how many questions of each kind."""
    answerable = sum(e.answerable for e in bank)
    return {"sha256": bank_sha256(corpus_dir), "count": len(bank), "answerable": answerable,
            "unanswerable": len(bank) - answerable}


def usable_bank(bank: tuple[BankEntry, ...], passage_ids: set[str]) -> tuple[BankEntry, ...]:
    """The bank with passage ids that this corpus no longer has dropped (logged; `python -m
    eval.check` fails on them): an answerable entry left without passages is left out."""
    out = []
    for e in bank:
        kept = tuple(p for p in e.passages if p in passage_ids)
        if kept != e.passages:
            log.warning("question bank %s names passages the corpus does not have: %s", e.id,
                        ", ".join(sorted(set(e.passages) - set(kept))))
            if not kept:
                continue
            e = BankEntry(e.id, e.question, e.lang, e.voice, kept, e.miss, e.near, e.note, e.topic, e.origin)
        out.append(e)
    return tuple(out)


def embed_bank(bank: tuple[BankEntry, ...], embedder: "Embedder") -> np.ndarray:
    """The bank's questions embedded as queries (the query prompt, as asked), with a progress bar."""
    from tqdm import tqdm

    texts = [e.question for e in bank]
    log.info("embedding %d bank questions with %s", len(texts), embedder.model_id)
    # shortest first, so each batch holds questions of about one length (little padding)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    with tqdm(total=len(texts), desc="question bank", unit="q") as bar:
        for start in range(0, len(texts), _BANK_BATCH):
            rows = order[start:start + _BANK_BATCH]
            chunk = np.asarray(embedder.encode_queries([texts[i] for i in rows]), dtype=np.float32)
            if chunk.shape != (len(rows), embedder.dim):
                raise RuntimeError(f"embedder returned shape {chunk.shape} for the bank, expected {(len(rows), embedder.dim)}")
            vectors[rows] = chunk
            bar.update(len(rows))
    return vectors


def load_bank_files(index_dir: Path, manifest: dict[str, Any], error: type[Exception]
                    ) -> tuple[tuple[BankEntry, ...], faiss.Index]:
    """The bank entries and vectors of an index directory; `error` (CorruptIndexError) when unreadable."""
    if not {BANK, BANK_DENSE} <= set(manifest.get("files") or {}):
        raise error("manifest lists no question bank files")
    try:
        bank_dense = faiss.read_index(str(index_dir / BANK_DENSE))
        with open(index_dir / BANK, encoding="utf-8") as fh:
            bank = tuple(entry_from_json(json.loads(line)) for line in fh if line.strip())
    except (RuntimeError, ValueError, KeyError, TypeError, OSError) as exc:
        raise error(f"question bank files cannot be read: {exc}") from exc
    if len(bank) != bank_dense.ntotal or (bank and bank_dense.d != manifest.get("dim")):
        raise error(f"bank counts disagree: {len(bank)} questions, {bank_dense.ntotal} vectors")
    return bank, bank_dense
