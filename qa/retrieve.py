"""Candidate retrieval: dense (FAISS inner product on normalised vectors)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from index.store import LoadedIndex


if TYPE_CHECKING:
    from index.embed import Embedder


def dense_search(index: LoadedIndex, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Top-k rows of the index by cosine similarity: [(row, score)], best first."""
    k = max(0, min(k, index.dense.ntotal))
    if k == 0:
        return []
    scores, rows = index.dense.search(np.ascontiguousarray(query_vector.reshape(1, -1), dtype=np.float32), k)
    return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]


def encode_query(embedder: Embedder, question: str) -> np.ndarray:
    """The question's vector (one row)."""
    return embedder.encode_queries([question])[0]
