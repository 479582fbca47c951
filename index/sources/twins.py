"""Merge passages that stand twice into one passage citing every place (pure).

The motion repeats a chapter of the programme with small differences in wording
("Diamorfin"/"Diamorphin") and line wrapping, so twins are found by word overlap, confirmed by
character-level similarity. The programme itself repeats some pledges in other chapters
(3438/5142, 3667/4879); `merge_repeats` makes each one passage, so a result list never
shows the same sentence twice.
"""
from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import replace

from index.sources.pledge import Pledge

_WORD = re.compile(r"\w+")
MIN_JACCARD = 0.6
MIN_RATIO = 0.85
# Repeats within one source must be near-identical: "Freizeitangebote für Senior*innen" and
# "… für Menschen mit Behinderung" (ratio 0.86) are two pledges, "kostenlose" and "mehr
# kostenlose … Toiletten" (0.97) one.
REPEAT_JACCARD = 0.8
REPEAT_RATIO = 0.95


def _words(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _WORD.findall(text))


def _norm(text: str) -> str:
    return " ".join(w.casefold() for w in _WORD.findall(text))


def find_twin(candidate: Pledge, pool: list[Pledge], pool_words: list[frozenset[str]], near: int = 0) -> int | None:
    """Index of the passage in `pool` that is the same passage as `candidate`, if any.

    The programme repeats some pledges in other chapters; among equally good matches the
    one closest after position `near` (the previous twin) wins, as a motion follows the
    order of the programme chapter it repeats.
    """
    words = _words(candidate.text)
    if not words:
        return None
    best, best_key = None, (MIN_JACCARD, float("-inf"))
    for i, other in enumerate(pool_words):
        if pool[i].kind != candidate.kind:
            continue
        j = len(words & other) / len(words | other)
        distance = i - near if i >= near else len(pool) + (near - i)
        key = (round(j, 6), -distance)
        if j >= MIN_JACCARD and key > best_key:
            best, best_key = i, key
    if best is None:
        return None
    ratio = difflib.SequenceMatcher(None, _norm(candidate.text), _norm(pool[best].text)).ratio()
    return best if ratio >= MIN_RATIO else None


def merge_twins(primary: list[Pledge], secondary: list[Pledge]) -> list[Pledge]:
    """Primary passages, each gaining the citations of its twins in `secondary`, then the
    secondary passages that have no twin. A primary passage takes at most one twin per source.
    """
    merged = list(primary)
    words = [_words(p.text) for p in primary]
    taken: set[tuple[int, str]] = set()
    leftovers: list[Pledge] = []
    near = 0
    for cand in secondary:
        i = find_twin(cand, merged[: len(primary)], words, near)
        source = cand.primary.source
        if i is None or (i, source) in taken:
            leftovers.append(cand)
            continue
        taken.add((i, source))
        near = i
        merged[i] = replace(merged[i], citations=merged[i].citations + cand.citations)
    return merged + leftovers


def is_repeat(a: Pledge, b: Pledge, words_a: frozenset[str], words_b: frozenset[str]) -> bool:
    """True when b says what a says, near word for word (same kind, same source)."""
    if a.kind != b.kind or not words_a or not words_b:
        return False
    if len(words_a & words_b) / len(words_a | words_b) < REPEAT_JACCARD:
        return False
    return difflib.SequenceMatcher(None, _norm(a.text), _norm(b.text)).ratio() >= REPEAT_RATIO


def _prefix_length(size: int, threshold: float) -> int:
    """How many of a set's rarest words any set at Jaccard ≥ threshold must share one of
    (prefix filtering, Chaudhuri et al. 2006: exact, never misses a pair)."""
    return size - math.ceil(threshold * size - 1e-9) + 1


def merge_repeats(passages: list[Pledge]) -> list[Pledge]:
    """Each passage that repeats an earlier one of its source is folded into the earlier one,
    which gains its citation (the first place stays primary); order is kept otherwise.

    Only earlier passages sharing one of a passage's rarest words are compared with it (a
    repeat's Jaccard ≥ REPEAT_JACCARD guarantees one): the same result as comparing every pair,
    without the quadratic cost."""
    all_words = [_words(p.text) for p in passages]
    frequency = Counter(w for words in all_words for w in words)
    kept: list[Pledge] = []
    kept_words: list[frozenset[str]] = []
    by_word: dict[str, list[int]] = {}
    for p, words in zip(passages, all_words):
        rarest = sorted(words, key=lambda w: (frequency[w], w))[:_prefix_length(len(words), REPEAT_JACCARD)]
        candidates = sorted({i for w in rarest for i in by_word.get(w, ())})
        twin = next((i for i in candidates if is_repeat(kept[i], p, kept_words[i], words)), None)
        if twin is not None:
            kept[twin] = replace(kept[twin], citations=kept[twin].citations + p.citations)
            continue
        for w in rarest:
            by_word.setdefault(w, []).append(len(kept))
        kept.append(p)
        kept_words.append(words)
    return kept
