"""Bank candidates from the app's feedback: questions people asked that got "nearest" or
"nothing", or a "Nicht hilfreich" vote, one row per question (pure).

They are written for review (`python -m eval export-feedback`), never added to
`corpus/question-bank.jsonl` automatically: a reviewer decides whether the programme answers
them (and with which passages) or why not. Questions already in the bank are left out.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from index.sources.bank import BankEntry, normalised
from ui.feedback import UNHELPFUL, Unanswered, Vote


@dataclass(frozen=True, slots=True)
class BankCandidate:
    """One question for review. why: "nearest", "nothing" and/or "unhelpful"."""

    question: str
    lang: str
    why: tuple[str, ...]
    times_unanswered: int
    unhelpful_votes: int
    unhelpful_pledges: tuple[str, ...]
    reasons: tuple[str, ...]
    chapters: tuple[str, ...]
    first_utc: str
    last_utc: str

    def to_json(self) -> dict[str, object]:
        return {"question": self.question, "lang": self.lang, "why": list(self.why),
                "times_unanswered": self.times_unanswered, "unhelpful_votes": self.unhelpful_votes,
                "unhelpful_pledges": list(self.unhelpful_pledges), "reasons": list(self.reasons),
                "chapters": list(self.chapters), "first_utc": self.first_utc, "last_utc": self.last_utc}


@dataclass
class _Tally:
    """What is gathered on one question while reading the feedback (ordered sets as dicts)."""

    question: str
    lang: str = ""
    why: dict[str, None] = field(default_factory=dict)
    unanswered: int = 0
    unhelpful: int = 0
    pledges: dict[str, None] = field(default_factory=dict)
    reasons: dict[str, None] = field(default_factory=dict)
    chapters: dict[str, None] = field(default_factory=dict)
    first: str = ""
    last: str = ""

    def seen(self, why: str, when: str, chapter: str = "") -> None:
        self.why[why] = None
        if chapter:
            self.chapters[chapter] = None
        self.first = min(self.first or when, when)
        self.last = max(self.last, when)

    def candidate(self) -> BankCandidate:
        return BankCandidate(self.question, self.lang, tuple(sorted(self.why)), self.unanswered, self.unhelpful,
                             tuple(self.pledges), tuple(r for r in self.reasons if r), tuple(self.chapters),
                             self.first, self.last)


def bank_candidates(unanswered: Iterable[Unanswered], votes: Iterable[Vote],
                    bank: Iterable[BankEntry] = ()) -> list[BankCandidate]:
    """Per question (same text up to case and spacing): how often it went unanswered and how
    many "not helpful" votes it got, on which pledges; most frequent first. Questions the bank
    already has are left out."""
    known = {normalised(e.question) for e in bank}
    tallies: dict[str, _Tally] = {}

    def tally(question: str) -> _Tally | None:
        key = normalised(question)
        if not key or key in known:
            return None
        return tallies.setdefault(key, _Tally(question))

    for u in unanswered:
        t = tally(u.question)
        if t is None:
            continue
        t.seen(u.outcome, u.created_utc, u.chapter)
        t.unanswered += 1
        t.lang = t.lang or u.lang
        t.reasons[u.reason] = None
    for v in votes:
        t = tally(v.question) if v.vote == UNHELPFUL else None
        if t is None:
            continue
        t.seen("unhelpful", v.created_utc, v.chapter)
        t.unhelpful += 1
        t.pledges[v.pledge_id] = None
    out = [t.candidate() for t in tallies.values()]
    return sorted(out, key=lambda c: (-(c.times_unanswered + c.unhelpful_votes), c.first_utc, c.question))
