"""A bounded LRU cache of answers (example questions, share links and popular questions come
back at once). Keys carry the model id and the index checksum, so answers from a rebuilt or
another index are never served; thread-safe, since the app answers from several threads."""
from __future__ import annotations

import hashlib
import json
import threading
from typing import Any, Hashable

from cachetools import LRUCache

from qa.types import Answer


def index_digest(manifest: dict[str, Any]) -> str:
    """A short checksum of an index: its manifest's file checksums, model and config."""
    stamp = {k: manifest.get(k) for k in ("files", "model", "config", "corpus_sha256", "count")}
    return hashlib.sha256(json.dumps(stamp, sort_keys=True, default=str).encode()).hexdigest()[:16]


class AnswerCache:
    """At most `size` answers, least recently used dropped first; hit/miss counts for reports."""

    def __init__(self, size: int = 1024) -> None:
        if size < 1:
            raise ValueError("cache size must be at least 1")
        self.size = size
        self.hits = 0
        self.misses = 0
        self._items: LRUCache[Hashable, Answer] = LRUCache(maxsize=size)
        self._lock = threading.Lock()  # cachetools' caches are not thread-safe by themselves

    def get(self, key: Hashable) -> Answer | None:
        with self._lock:
            answer = self._items.get(key)  # a hit counts as a use (LRU order)
            if answer is None:
                self.misses += 1
                return None
            self.hits += 1
            return answer

    def put(self, key: Hashable, answer: Answer) -> None:
        with self._lock:
            self._items[key] = answer

    def __len__(self) -> int:
        return len(self._items)
