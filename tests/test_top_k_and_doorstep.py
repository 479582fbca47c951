"""`QA.ask` never raises on a bad top_k or chapter; the doorstep rule works for any score sign."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.sources.pledge import Citation, Pledge
from qa.answer import doorstep_hits, doorstep_text
from qa.pipeline import QA
from qa.types import Hit
from qa.validate import QuestionError, clean_top_k


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, None, "x", "", True, 2.5, [3], {"k": 1}, object()])
def test_bad_top_k_gives_a_clear_error(fake_qa: QA, bad: object) -> None:
    answer = fake_qa.ask("Flughafen", top_k=bad)  # type: ignore[arg-type]
    assert answer.error.startswith("Die Anzahl der Treffer muss eine ganze Zahl sein")
    assert answer.hits == () and answer.abstained


@pytest.mark.parametrize(("value", "k"), [(-5, 1), (0, 1), (3, 3), (3.0, 3), ("4", 4), (10**12, 50)])
def test_whole_numbers_are_clamped(value: object, k: int) -> None:
    assert clean_top_k(value, 50) == k


def test_negative_and_huge_top_k_answer(fake_qa: QA) -> None:
    assert len(fake_qa.ask("Flughafen", top_k=-3).hits) == 1
    assert len(fake_qa.ask("Flughafen", top_k=10**9).hits) == len(fake_qa.index.pledges)


@pytest.mark.parametrize("chapter", [5, ["Sport"], {"a": 1}, b"Sport"])
def test_chapter_that_is_not_text(fake_qa: QA, chapter: object) -> None:
    assert "Kapitel" in fake_qa.ask("Flughafen", chapter=chapter).error  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.text(max_size=5),
                 st.booleans()))
def test_ask_never_raises_whatever_top_k(fake_qa_session: QA, top_k: object) -> None:
    answer = fake_qa_session.ask("Wie steht ihr zum Flughafen?", top_k=top_k)  # type: ignore[arg-type]
    assert answer.error or 1 <= len(answer.hits)


def _hit(n: int, score: float) -> Hit:
    return Hit(Pledge(f"p:{n}", "pledge", "S", "Wir werden", f"Satz {n} tun.", (Citation("p", n, n),)), score)


def test_doorstep_takes_close_hits_for_negative_scores() -> None:
    text = doorstep_text(doorstep_hits((_hit(1, -1.0), _hit(2, -1.1), _hit(3, -3.0))))
    assert "Satz 1" in text and "Satz 2" in text and "Satz 3" not in text


def test_doorstep_takes_close_hits_for_positive_and_zero_scores() -> None:
    text = doorstep_text(doorstep_hits((_hit(1, 2.0), _hit(2, 1.8), _hit(3, 1.0))))
    assert "Satz 2" in text and "Satz 3" not in text
    text = doorstep_text(doorstep_hits((_hit(1, 0.0), _hit(2, 0.0), _hit(3, -2.0))))
    assert "Satz 2" in text and "Satz 3" not in text


def test_answer_carries_the_hits_its_doorstep_answer_used(fake_qa: QA) -> None:
    from qa.types import Answer
    from qa.wording import answer_hits

    answer = fake_qa.ask("Ehrenamtsfonds weiter aufstocken", top_k=5)
    assert answer.used and set(answer.used) <= set(answer.hits)
    assert answer.text == doorstep_text(answer.used)
    # the UI takes the hits from the answer, not by searching its text
    reworded = Answer(answer.question, answer.hits, False, "anders formuliert", used=answer.hits[1:2])
    assert answer_hits(reworded) == [answer.hits[1]]
    assert fake_qa.ask("", top_k=5).used == ()
