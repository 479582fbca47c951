"""The doorstep answer: the top pledges in their own words, each with its citations (pure)."""
from __future__ import annotations

from index.pledge import Citation
from qa.types import Hit

NO_ANSWER = "Dazu steht nichts im Programm."
NEAREST_INTRO = "Direkt steht dazu nichts im Programm; am nächsten kommt:"


def cite(citations: tuple[Citation, ...]) -> str:
    """"(wahlprogramm-2025, Z. 3055; antrag-…, Z. 252)"."""
    return "(" + "; ".join(c.label() for c in citations) + ")"


def doorstep_answer(hits: tuple[Hit, ...], max_sentences: int = 3, min_relative: float = 0.85) -> str:
    """Assemble a short extractive answer from the best hits.

    Takes up to `max_sentences` hits that score close to the best one, pledges before prose
    (a pledge is what a canvasser can promise; prose explains), each in its own words with
    its citation. "Close" is within (1 - min_relative)·|best| below the best score, which
    means the same for negative scores as for positive ones.
    """
    if not hits:
        return ""
    best = hits[0].score
    floor = best - (1.0 - min_relative) * abs(best)
    close = [h for h in hits if h.score >= floor]
    chosen = sorted(close, key=lambda h: h.pledge.kind != "pledge")[:max_sentences]
    return " ".join(f"{h.pledge.sentence} {cite(h.pledge.citations)}" for h in chosen)


def nearest_answer(hits: tuple[Hit, ...], max_sentences: int = 2) -> str:
    """The "nearest" outcome in words: clearly not an answer, then the nearest pledges."""
    if not hits:
        return NO_ANSWER
    chosen = sorted(hits[:3], key=lambda h: h.pledge.kind != "pledge")[:max_sentences]
    return NEAREST_INTRO + " " + " ".join(f"{h.pledge.sentence} {cite(h.pledge.citations)}" for h in chosen)


def nearest_topics(hits: tuple[Hit, ...], limit: int = 3) -> list[str]:
    """Section paths of the nearest passages, without repeats, for a "nothing found" answer."""
    seen: dict[str, None] = {}
    for h in hits:
        if h.pledge.section:
            seen.setdefault(h.pledge.section, None)
    return list(seen)[:limit]
