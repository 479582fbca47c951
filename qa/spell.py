"""Typo-tolerant questions: correct words against the programme's own vocabulary (pure).

"Was habt ihr mit dem Flughafn vor?" → "Was habt ihr mit dem Flughafen vor?". The corrector
is built from the index's passages (section paths, lead-ins and texts), so it only ever
suggests words the programme uses; SymSpell (symspellpy) finds the closest of them.

A word is left alone when it is
- known: in the programme (also in another spelling: "fussgänger" = "fußgänger", "grunen"
  is *not* known), a compound of two programme words ("Flughafenausbau"), or an ordinary
  German or English word (pyspellchecker's frequency lists, and wordfreq's large German list
  of words seen in real text: "Wetter" must not become "weiter", "airport" must not become
  "import", "abzocken" must not become "abdecken");
- short (under 4 letters), contains digits or other scripts, or is written in capitals
  (an abbreviation: "ÖPNV", "KVR");
- in a question that is not German (the caller passes the detected language).

The dictionaries are loaded once per process (`general_words`); everything else takes
values and returns values.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from symspellpy import SymSpell, Verbosity

from index.storage.analyse import LINKERS, fold

log = logging.getLogger(__name__)

# Latin letters as German writes them; anything else (digits, Cyrillic, Arabic) is not a word here.
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:-[A-Za-zÄÖÜäöüß]+)*")
_MIN_LENGTH = 4
_MIN_PART = 4


@dataclass(frozen=True, slots=True)
class Change:
    """One corrected word: `original` as typed, `corrected` as searched."""

    original: str
    corrected: str


@dataclass(frozen=True, slots=True)
class Correction:
    """A question and the question searched instead ("" and no changes when nothing changed),
    with the question's language as the caller detected it."""

    original: str
    corrected: str = ""
    changes: tuple[Change, ...] = ()
    language: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def searched(self) -> str:
        """The text the search used: the corrected question, or the original."""
        return self.corrected or self.original


@lru_cache(maxsize=1)
def general_words() -> frozenset[str]:
    """Ordinary German and English words (folded), which are never "corrected"."""
    from spellchecker import SpellChecker

    known: set[str] = set()
    for language in ("de", "en"):
        known.update(fold(w) for w in SpellChecker(language=language, distance=1).word_frequency.dictionary)
    log.debug("general dictionary: %d words", len(known))
    return frozenset(known)


_GERMAN_ZIPF = 1.0  # wordfreq: seen about once in 100 million words of German text; typos score 0


def is_german_word(word: str) -> bool:
    """True for a word German text uses (wordfreq's large list): a correct word the programme
    happens not to use is never "corrected" into one it does."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "de", wordlist="large") >= _GERMAN_ZIPF


def passage_texts(pledges: Iterable[object]) -> list[str]:
    """The texts a vocabulary is built from: each passage's section, lead-in and text."""
    return [f"{getattr(p, 'section', '')} {getattr(p, 'lead_in', '')} {getattr(p, 'text', '')}" for p in pledges]


class SpellCorrector:
    """Corrects question words to the closest word of a vocabulary (with its frequency)."""

    def __init__(self, counts: Counter[str], general: frozenset[str] = frozenset(), max_distance: int = 2,
                 lexicon: Callable[[str], bool] | None = None) -> None:
        """`lexicon`: a full word list to ask last (None: only `general`)."""
        self.max_distance = max_distance
        self._general = general
        self._lexicon = lexicon
        self._known = frozenset(fold(w) for w in counts)
        self._symspell = SymSpell(max_dictionary_edit_distance=max_distance, prefix_length=7)
        for word, count in counts.items():
            if len(word) >= _MIN_LENGTH:
                self._symspell.create_dictionary_entry(word, count)

    @classmethod
    def from_texts(cls, texts: Iterable[str], general: frozenset[str] | None = None,
                   max_distance: int = 2) -> "SpellCorrector":
        """A corrector over every word of `texts` (lower-cased, counted)."""
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(w.lower() for w in _WORD.findall(text))
        if general is None:
            return cls(counts, general_words(), max_distance, is_german_word)
        return cls(counts, general, max_distance)

    def knows(self, word: str) -> bool:
        """True when a word must not be corrected (see the module docstring)."""
        folded = fold(word)
        if folded in self._known or folded in self._general or self._compound(folded):
            return True
        return self._lexicon is not None and self._lexicon(word)

    def _compound(self, folded: str) -> bool:
        for i in range(_MIN_PART, len(folded) - _MIN_PART + 1):
            left, right = folded[:i], folded[i:]
            if right not in self._known and right not in self._general:
                continue
            for link in LINKERS:
                stem = left[: len(left) - len(link)] if link else left
                if (not link or left.endswith(link)) and len(stem) >= _MIN_PART and (
                        stem in self._known or stem in self._general):
                    return True
        return False

    def correct_word(self, word: str) -> str:
        """The closest programme word for `word`, in the same casing; `word` itself if none."""
        if len(word) < _MIN_LENGTH or word.isupper() or "-" in word or self.knows(word):
            return word
        distance = 1 if len(word) < 8 else self.max_distance
        suggestions = self._symspell.lookup(word.lower(), Verbosity.CLOSEST, max_edit_distance=distance)
        if not suggestions:
            return word
        best = suggestions[0].term
        # Two equally close words of which neither is clearly more frequent: do not guess.
        if len(suggestions) > 1 and suggestions[1].distance == suggestions[0].distance \
                and suggestions[1].count * 2 > suggestions[0].count:
            return word
        return best[:1].upper() + best[1:] if word[:1].isupper() else best

    def correct(self, question: str, language: str = "de") -> Correction:
        """Correct every unknown word of a German question; other languages stay as they are."""
        if language not in ("de", ""):
            return Correction(question, language=language)
        changes: list[Change] = []

        def replace(match: re.Match[str]) -> str:
            word = match.group(0)
            fixed = self.correct_word(word)
            if fixed != word:
                changes.append(Change(word, fixed))
            return fixed

        corrected = _WORD.sub(replace, question)
        if not changes:
            return Correction(question, language=language)
        return Correction(question, corrected, tuple(changes), language)
