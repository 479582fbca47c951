"""How far an index build is, for the first-start page (ui/building.py).

`ProgressEmbedder` wraps the app's embedder while the index is built: it sends the passages in
chunks and counts them (the first half of the bar), then counts the question bank's batches
(the second half; `bank_size` questions). Everything else is the wrapped embedder's.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

CHUNK = 64  # passages per call while building (a progress step of ≈ 2 %)
LIVE_BATCH = 16  # query calls up to this size are questions, not the bank


class ProgressEmbedder:
    def __init__(self, embedder: Any, report: Callable[[float], None], bank_size: int) -> None:
        self._embedder = embedder
        self._report = report
        self._bank_size = max(1, bank_size)
        self._bank_done = 0

    def __getattr__(self, name: str) -> Any:  # model_id, name, dim, prompts, resolved, …
        return getattr(self._embedder, name)

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False,
                        titles: Sequence[str] | None = None) -> np.ndarray:
        texts = list(texts)
        if len(texts) <= CHUNK:
            return self._embedder.encode_passages(texts, show_progress=show_progress, titles=titles)
        parts = []
        for start in range(0, len(texts), CHUNK):
            part_titles = None if titles is None else list(titles)[start:start + CHUNK]
            parts.append(self._embedder.encode_passages(texts[start:start + CHUNK], titles=part_titles))
            self._report(0.5 * min(len(texts), start + CHUNK) / len(texts))
        return np.concatenate(parts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        out = self._embedder.encode_queries(texts)
        if len(texts) > LIVE_BATCH:
            self._bank_done += len(texts)
            self._report(0.5 + 0.49 * min(1.0, self._bank_done / self._bank_size))
        return out
