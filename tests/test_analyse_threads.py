"""The analyser is shared by the app's worker threads; its stemmer must never be called
concurrently (PyStemmer's documentation)."""
from __future__ import annotations

import threading
import time

import Stemmer

import index.storage.analyse as analyse
from index.storage.analyse import Analyser

_REAL_STEMMER = Stemmer.Stemmer


class _WatchedStemmer:
    """Records overlapping calls and which threads used it."""

    instances: list["_WatchedStemmer"] = []

    def __init__(self, language: str) -> None:
        self._real = _REAL_STEMMER(language)
        self.busy = False
        self.overlaps = 0
        self.threads: set[int] = set()
        _WatchedStemmer.instances.append(self)

    def stemWord(self, word: str) -> str:  # noqa: N802 (PyStemmer's name)
        if self.busy:
            self.overlaps += 1
        self.busy = True
        self.threads.add(threading.get_ident())
        time.sleep(0.0005)  # widen the window a shared stemmer would be hit in
        out = self._real.stemWord(word)
        self.busy = False
        return out


def test_threads_never_share_a_stemmer(monkeypatch) -> None:
    _WatchedStemmer.instances.clear()
    monkeypatch.setattr(analyse.Stemmer, "Stemmer", _WatchedStemmer)
    analyser = Analyser(["fernwärme", "netz", "bus", "ticket"])
    expected = analyser.tokens("Fernwärmenetz und Busticket für Schülerinnen")
    results: list[list[str]] = []
    start = threading.Barrier(6)

    def work() -> None:
        start.wait()
        for _ in range(20):
            results.append(analyser.tokens("Fernwärmenetz und Busticket für Schülerinnen"))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results) and len(results) == 120
    assert sum(s.overlaps for s in _WatchedStemmer.instances) == 0
    assert all(len(s.threads) == 1 for s in _WatchedStemmer.instances)
    assert len(_WatchedStemmer.instances) == 7  # the main thread's and one per worker
