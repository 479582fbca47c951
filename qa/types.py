"""Values that leave the qa package: a ranked hit and an answer."""
from __future__ import annotations

from dataclasses import dataclass

from index.sources.pledge import Pledge
from qa.bank import BankNeighbour
from qa.spell import Change


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked passage. `score` is the final ranking score (higher is better); the
    dense and lexical scores are kept for explanations and abstention."""

    pledge: Pledge
    score: float
    dense_score: float = 0.0
    lexical_score: float = 0.0


@dataclass(frozen=True, slots=True)
class Answer:
    """The system's answer to one question.

    abstained: the programme says nothing on the question; `hits` then holds the nearest
    topics. outcome: "answer", "nearest" (not an answer; the hits are the nearest passages) or
    "nothing" (abstained is true for both of the latter). confidence: the abstention model's
    P(answerable), None without a model. error: the question could not be handled (empty, too
    long, not text). text: the doorstep answer; `used`: the hits it is made of, in its order
    (a front end shows them in its own words without reading them back out of `text`).
    corrected: the question as searched after spelling corrections ("" when searched as
    asked); `corrections` lists each changed word. language: the detected language of the
    question ("de", "en", "tr", "ar", "pl", "ru"; "" when unsure). reason: why the programme
    has nothing on it, when its nearest unanswerable bank questions agree ("federal_state",
    "people_party", "other_city", "chitchat"; "" otherwise and for answers). similar: the
    nearest bank questions the programme answers (other than the asked one), best first.
    elsewhere: with a chapter filter and no answer in that chapter, the best hits in other
    chapters when the programme does answer it there ("Im Kapitel Mobilität: …").
    """

    question: str
    hits: tuple[Hit, ...]
    abstained: bool
    text: str
    error: str = ""
    outcome: str = "answer"
    confidence: float | None = None
    used: tuple[Hit, ...] = ()
    corrected: str = ""
    corrections: tuple[Change, ...] = ()
    language: str = ""
    reason: str = ""
    similar: tuple[BankNeighbour, ...] = ()
    elsewhere: tuple[Hit, ...] = ()
