"""The doorstep answer: the top pledges in their own words, each with its citations (pure)."""
from __future__ import annotations

from index.sources.pledge import Citation
from qa.types import Hit

NO_ANSWER = "Dazu steht nichts im Programm."
NEAREST_INTRO = "Direkt steht dazu nichts im Programm; am nächsten kommt:"


def cite(citations: tuple[Citation, ...]) -> str:
    """"(wahlprogramm-2025, Z. 3055; antrag-…, Z. 252)"."""
    return "(" + "; ".join(c.label() for c in citations) + ")"


def doorstep_hits(hits: tuple[Hit, ...], max_sentences: int = 3, min_relative: float = 0.85) -> tuple[Hit, ...]:
    """The hits a short extractive answer is made of, in the order it says them.

    Up to `max_sentences` hits that score close to the best one, pledges before prose (a
    pledge is what a canvasser can promise; prose explains). "Close" is within
    (1 - min_relative)·|best| below the best score, which means the same for negative scores
    as for positive ones.
    """
    if not hits:
        return ()
    best = hits[0].score
    floor = best - (1.0 - min_relative) * abs(best)
    close = [h for h in hits if h.score >= floor]
    return tuple(sorted(close, key=lambda h: h.pledge.kind != "pledge")[:max_sentences])


def doorstep_text(used: tuple[Hit, ...]) -> str:
    """The chosen hits in their own words, each followed by its citation(s)."""
    return " ".join(f"{h.pledge.sentence} {cite(h.pledge.citations)}" for h in used)


def nearest_hits(hits: tuple[Hit, ...], max_sentences: int = 2) -> tuple[Hit, ...]:
    """The nearest pledges the "nearest" outcome names (pledges before prose)."""
    return tuple(sorted(hits[:3], key=lambda h: h.pledge.kind != "pledge")[:max_sentences])


def nearest_answer(used: tuple[Hit, ...]) -> str:
    """The "nearest" outcome in words: clearly not an answer, then the nearest pledges
    (`nearest_hits`)."""
    if not used:
        return NO_ANSWER
    return NEAREST_INTRO + " " + doorstep_text(used)


def nearest_topics(hits: tuple[Hit, ...], limit: int = 3) -> list[str]:
    """Section paths of the nearest passages, without repeats, for a "nothing found" answer."""
    seen: dict[str, None] = {}
    for h in hits:
        if h.pledge.section:
            seen.setdefault(h.pledge.section, None)
    return list(seen)[:limit]
