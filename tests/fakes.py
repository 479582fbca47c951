"""A tiny, deterministic stand-in for the embedding model (bag of hashed words and
character trigrams), so tests run offline in milliseconds and still rank sensibly."""
from __future__ import annotations

import re
import zlib
from typing import Sequence

import numpy as np

_WORD = re.compile(r"\w+")


class FakeEmbedder:
    """Implements index.models.embed.Embedder."""

    def __init__(self, dim: int = 256, model_id: str = "fake-hash-256") -> None:
        self.dim = dim
        self.model_id = model_id
        self.calls = 0
        self.texts = 0

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.casefold()):
            v[zlib.crc32(word.encode()) % self.dim] += 1.0
            padded = f"#{word}#"
            for i in range(len(padded) - 2):
                v[zlib.crc32(padded[i : i + 3].encode()) % self.dim] += 0.3
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False,
                        titles: Sequence[str] | None = None) -> np.ndarray:
        if titles is not None:  # like EmbeddingGemma's "title: … | text: …" prompt
            return self._encode([f"{t} {x}" for t, x in zip(titles, texts)])
        return self._encode(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)
