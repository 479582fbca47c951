"""Candidate evidence for one question: dense cosine and BM25 score for every passage."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from index.storage.store import LoadedIndex

if TYPE_CHECKING:
    from index.models.embed import Embedder


@dataclass(frozen=True, slots=True)
class Scores:
    """Full score vectors (row i ↔ passage i) and the share of question words BM25 knows."""

    dense: np.ndarray
    lexical: np.ndarray
    coverage: float
    tokens: tuple[str, ...] = ()


def dense_scores(index: LoadedIndex, query_vector: np.ndarray) -> np.ndarray:
    """Cosine similarity of the question to every passage (FAISS flat inner product)."""
    n = index.dense.ntotal
    out = np.full(n, -1.0, dtype=np.float32)
    if n == 0:
        return out
    scores, rows = index.dense.search(np.ascontiguousarray(query_vector.reshape(1, -1), dtype=np.float32), n)
    valid = rows[0] >= 0
    out[rows[0][valid]] = scores[0][valid]
    return out


def score_all(index: LoadedIndex, embedder: "Embedder", question: str, vector: np.ndarray | None = None) -> Scores:
    """Dense and lexical scores of every passage for a cleaned question (`vector`: its query
    embedding when already computed, e.g. in a batch)."""
    if vector is None:
        vector = embedder.encode_queries([question])[0]
    analysed = index.lexical.analyser.tokens(question)
    known = index.lexical.query_tokens(question)
    coverage = len(known) / len(analysed) if analysed else 0.0
    return Scores(dense_scores(index, vector), index.lexical.scores(question), coverage, tuple(analysed))
