"""The plain BM25 baseline: bm25s with its own tokenizer, German Snowball stemmer and
German stop words, over the plain passage sentences (no sections, no compound splitting)."""
from __future__ import annotations

from typing import Sequence

import bm25s
import numpy as np
import Stemmer

from index.sources.pledge import Pledge


class PlainBM25:
    """Ranks passages by plain bm25s scores."""

    def __init__(self, pledges: Sequence[Pledge]) -> None:
        self.stemmer = Stemmer.Stemmer("german")
        tokens = bm25s.tokenize([p.sentence for p in pledges], stopwords="de", stemmer=self.stemmer, show_progress=False)
        self.bm25 = bm25s.BM25()
        self.bm25.index(tokens, show_progress=False)
        self.size = len(pledges)

    def scores(self, question: str) -> np.ndarray:
        q = bm25s.tokenize([question], stopwords="de", stemmer=self.stemmer, show_progress=False, return_ids=False)[0]
        known = [t for t in q if t in self.bm25.vocab_dict]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)
