"""Typo correction (qa/spell.py), language detection (qa/language.py) and the typo'd eval copies."""
from __future__ import annotations

from collections import Counter

import pytest

from eval.questions import Question
from eval.typos import make_typos, typo_questions
from qa.language import detect_language
from qa.pipeline import QA, QAConfig
from qa.spell import Change, SpellCorrector, general_words, passage_texts

PROGRAMME = ["Wir werden anstreben, dass der Flughafen langfristig abgewickelt wird.",
             "Den Ehrenamtsfonds weiter aufstocken und das Ehrenamt stärken.",
             "Mehr Radwege und Busse für die Grünen Stadtteile; ÖPNV für alle.",
             "Weiter so: wir werden die Wärmewende voranbringen."]


@pytest.fixture(scope="module")
def small() -> SpellCorrector:
    # A tiny vocabulary and a tiny "general" dictionary keep this fast and exact.
    return SpellCorrector.from_texts(PROGRAMME, general=frozenset({"wetter", "morgen", "airport", "habt", "ihr"}))


def test_corrects_to_the_programmes_word_and_says_what(small: SpellCorrector) -> None:
    fix = small.correct("Was habt ihr mit dem Flughafn vor?")
    assert fix.corrected == "Was habt ihr mit dem Flughafen vor?"
    assert fix.changes == (Change("Flughafn", "Flughafen"),)
    assert fix.searched == fix.corrected and fix.changed
    assert small.correct("Wie stärkt ihr das Ehremamt?").changes == (Change("Ehremamt", "Ehrenamt"),)
    assert small.correct("grunen radwege").corrected == "grünen radwege"  # casing kept, umlaut restored


def test_leaves_known_foreign_short_and_odd_words_alone(small: SpellCorrector) -> None:
    for question in ("Wie wird das Wetter morgen?",  # ordinary German, not in the programme
                     "What about the airport?",  # English
                     "Flughafenausbau",  # a compound of programme words
                     "ÖPNV KVR 2035", "Bus", "Radweg-Ausbau",  # abbreviations, numbers, short, hyphenated
                     "Fernwaerme", "Wärmewende"):  # known in another spelling / known as is
        assert not small.correct(question).changed, question
    assert not small.correct("Flughafn", language="en").changed  # not a German question
    assert not small.correct("Что с аэропортом?").changed  # other scripts are not words here


def test_real_vocabulary_and_dictionaries(fake_index) -> None:
    corrector = SpellCorrector.from_texts(passage_texts(fake_index.pledges))
    assert "wetter" in general_words() and "airport" in general_words()
    assert corrector.correct("Was habt ihr mit dem Flughafn vor?").corrected == "Was habt ihr mit dem Flughafen vor?"
    assert not corrector.correct("Wie wird das Wetter morgen in Dortmund?").changed
    # a correct German word the programme does not use stays (it became "abdecken" before)
    assert not corrector.correct("Ihr wollt die Leute doch nur abzocken!").changed
    assert corrector.correct("Kommen mehr Fahradwege?").changed


def test_pipeline_searches_corrected_and_can_search_as_typed(fake_index) -> None:
    from fakes import FakeEmbedder

    qa = QA(fake_index, FakeEmbedder())
    answer = qa.ask("Was habt ihr mit dem Flughafn vor?", top_k=3)
    assert answer.question == "Was habt ihr mit dem Flughafn vor?"
    assert answer.corrected == "Was habt ihr mit dem Flughafen vor?"
    assert [(c.original, c.corrected) for c in answer.corrections] == [("Flughafn", "Flughafen")]
    assert answer.language == "de"
    as_typed = qa.ask("Was habt ihr mit dem Flughafn vor?", top_k=3, correct=False)
    assert as_typed.corrected == "" and as_typed.corrections == ()
    off = QA(fake_index, FakeEmbedder(), QAConfig(spelling=False)).ask("Flughafn Dortmund", top_k=3)
    assert off.corrected == ""
    assert [h.pledge.id for h in qa.ask("Flughafen Dortmund", 3).hits] == \
        [h.pledge.id for h in qa.ask("Flughafn Dortmund", 3).hits]


@pytest.mark.parametrize(("question", "code"), [
    ("Was habt ihr mit dem Flughafen vor?", "de"), ("What will you do about the airport?", "en"),
    ("Havalimanı ile ilgili ne yapmayı planlıyorsunuz?", "tr"), ("ماذا ستفعلون بالمطار؟", "ar"),
    ("Co zrobicie z lotniskiem w Dortmundzie?", "pl"), ("Что вы сделаете с аэропортом?", "ru"),
    ("Kita", ""), ("?!", ""),
])
def test_language_of_a_question(question: str, code: str) -> None:
    assert detect_language(question) == code


def test_typo_copies_are_reproducible_and_only_german() -> None:
    q = "Wie wollen die Grünen das Ehrenamt stärken und die Radwege ausbauen?"
    assert make_typos(q, 12, "a-1") == make_typos(q, 12, "a-1")
    assert make_typos(q, 12, "a-1") != q
    assert make_typos(q, 12, "a-1") != make_typos(q, 13, "a-1")
    words = Counter(q.split())
    assert sum(w not in words for w in make_typos(q, 12, "a-1").split()) >= 1
    qs = [Question("x", q, "de", "citizen", ()), Question("y", "What about the airport?", "en", "multilingual", ())]
    typod = typo_questions(qs, 12)
    assert typod[0].question != q and typod[1].question == "What about the airport?"
    assert [t.id for t in typod] == ["x", "y"]
