"""German-aware lexical analysis for BM25 (pure): fold case, ß and umlaut spellings
("fernwaerme" = "fernwärme" = "fernwarme" after stemming), drop stop words, stem with
Snowball German, and split compounds against the corpus vocabulary ("Fernwärmenetz" also
yields "fernwärme" and "netz"; "Busticket" yields "bus" and "ticket")."""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Iterable

import Stemmer
from bm25s.stopwords import STOPWORDS_GERMAN

_WORD = re.compile(r"\w+")
_UE = re.compile(r"(?<!q)ue")
_MIN_PART = 4
_MIN_LEFT = 3  # "Bus|ticket", "Rad|weg"
_MIN_COMPOUND = 8
LINKERS = ("", "s", "es", "n", "en")  # German compound linkers ("Rad|weg", "Arbeit|s|platz"); qa/spell.py splits with them too
_STOP = frozenset(STOPWORDS_GERMAN) | {"wir", "werden", "dass", "sowie", "bzw", "z", "b", "u", "a"}


def fold(word: str) -> str:
    """Lower-case; ß → ss; ae/oe/ue (not in "que") → ä/ö/ü so both spellings meet."""
    w = word.casefold().replace("ß", "ss")
    if "ae" in w or "oe" in w or "ue" in w:
        w = _UE.sub("ü", w.replace("ae", "ä").replace("oe", "ö"))
    return w


def words(text: str) -> list[str]:
    """Folded words of a text, stop words removed."""
    out = []
    for raw in _WORD.findall(text):
        w = fold(raw)
        if w not in _STOP and not w.isdigit() or (w.isdigit() and len(w) == 4):
            out.append(w)
    return out


class Analyser:
    """Text → BM25 tokens. `vocabulary` (folded corpus words) drives compound splitting.

    Safe to share between threads (the app's workers do): PyStemmer's `Stemmer` must not be
    called concurrently, so each thread gets its own.
    """

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        self.vocabulary = frozenset(w for w in vocabulary if len(w) >= _MIN_LEFT and not w.isdigit())
        self._local = threading.local()
        self._split = lru_cache(maxsize=65536)(self._split_uncached)

    @property
    def _stemmer(self) -> Stemmer.Stemmer:
        """This thread's stemmer (created on first use in the thread)."""
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            stemmer = self._local.stemmer = Stemmer.Stemmer("german")
        return stemmer

    @classmethod
    def for_corpus(cls, texts: Iterable[str]) -> "Analyser":
        """An analyser whose compound vocabulary is every word of the given texts."""
        vocab: set[str] = set()
        for t in texts:
            vocab.update(words(t))
        return cls(vocab)

    def _split_uncached(self, word: str) -> tuple[str, ...]:
        """Parts of a compound (left part, right part), best split first; () if none."""
        if len(word) < _MIN_COMPOUND:
            return ()
        best: tuple[str, str] | None = None
        for i in range(_MIN_LEFT, len(word) - _MIN_PART + 1):
            left, right = word[:i], word[i:]
            if right not in self.vocabulary:
                continue
            for link in LINKERS:
                stem = left[: len(left) - len(link)] if link else left
                if (not link or left.endswith(link)) and len(stem) >= _MIN_LEFT and stem in self.vocabulary:
                    if best is None or min(len(stem), len(right)) > min(len(best[0]), len(best[1])):
                        best = (stem, right)
                    break
        return best or ()

    def tokens(self, text: str) -> list[str]:
        """Stemmed tokens of `text`, each compound followed by the stems of its parts."""
        out: list[str] = []
        stemmer = self._stemmer
        for w in words(text):
            out.append(stemmer.stemWord(w))
            out.extend(stemmer.stemWord(p) for p in self._split(w))
        return out
