"""Merge passages that stand in two sources into one passage citing both (pure).

The motion repeats a chapter of the programme with small differences in wording
("Diamorfin"/"Diamorphin") and line wrapping, so twins are found by word overlap, confirmed by
character-level similarity.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import replace

from index.pledge import Pledge

_WORD = re.compile(r"\w+")
MIN_JACCARD = 0.6
MIN_RATIO = 0.85


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
