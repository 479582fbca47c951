"""The BM25 side of the index (bm25s over German-analysed tokens)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

import bm25s
import numpy as np

from index.storage.analyse import Analyser

log = logging.getLogger(__name__)


class LexicalIndex:
    """BM25 scores for every passage; row i ↔ passage i, as in the dense index."""

    def __init__(self, bm25: bm25s.BM25, analyser: Analyser, size: int) -> None:
        self.bm25 = bm25
        self.analyser = analyser
        self.size = size
        self._vocab = bm25.vocab_dict
        self._doc_tokens: list[frozenset[str]] | None = None

    @classmethod
    def build(cls, docs: Sequence[str], analyser: Analyser, k1: float = 1.2, b: float = 0.75) -> "LexicalIndex":
        """Index `docs` (one text per passage)."""
        bm25 = bm25s.BM25(k1=k1, b=b)
        bm25.index([analyser.tokens(d) or [""] for d in docs], show_progress=False)
        index = cls(bm25, analyser, len(docs))
        index.set_documents(docs)
        return index

    def save(self, directory: Path) -> None:
        self.bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, analyser: Analyser, size: int) -> "LexicalIndex":
        bm25 = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
        return cls(bm25, analyser, size)

    def set_documents(self, docs: Sequence[str]) -> None:
        """Keep each passage's token set (for the overlap evidence of abstention)."""
        self._doc_tokens = [frozenset(self.analyser.tokens(d)) for d in docs]

    def overlap(self, question_tokens: Sequence[str], rows: Sequence[int]) -> float:
        """Share of the question's tokens found in at least one of the given passages."""
        if not question_tokens or self._doc_tokens is None:
            return 0.0
        found = set().union(*(self._doc_tokens[r] for r in rows)) if rows else set()
        return sum(1 for t in question_tokens if t in found) / len(question_tokens)

    def query_tokens(self, text: str) -> list[str]:
        """The analysed tokens of a question that the index knows."""
        return [t for t in self.analyser.tokens(text) if t in self._vocab]

    def scores(self, text: str) -> np.ndarray:
        """BM25 score of every passage for `text` (zeros when no token is known)."""
        tokens = self.query_tokens(text)
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)
