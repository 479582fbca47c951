"""The question path with the fake embedder: hits, answers, filters and bad input."""
from __future__ import annotations

import pytest

from qa.abstain import AbstentionModel
from qa.answer import cite, doorstep_hits, doorstep_text
from qa.pipeline import QA, QAConfig
from qa.validate import MAX_QUESTION_CHARS


def test_ask_returns_ranked_hits_with_citations(fake_qa) -> None:
    answer = fake_qa.ask("Flughafen abgewickelt und geschlossen", top_k=5)
    assert not answer.error and len(answer.hits) == 5
    scores = [h.score for h in answer.hits]
    assert scores == sorted(scores, reverse=True)
    assert answer.hits[0].pledge.id == "wahlprogramm-2025:3055"
    assert "(wahlprogramm-2025, Z. 3055)" in answer.text
    assert answer.text.startswith("Wir werden anstreben, dass der Flughafen")


def test_twin_is_one_hit_citing_both(fake_qa) -> None:
    answer = fake_qa.ask("Ehrenamtsfonds weiter aufstocken", top_k=3)
    top = answer.hits[0].pledge
    assert top.id == "wahlprogramm-2025:3679"
    assert [c.source for c in top.citations] == ["wahlprogramm-2025", "antrag-gleichberechtigung-und-engagement"]
    assert "antrag-gleichberechtigung-und-engagement, Z. 252" in answer.text
    assert len({h.pledge.id for h in answer.hits}) == len(answer.hits)


def test_chapter_filter(fake_qa) -> None:
    assert "Mobilität" in fake_qa.chapters
    answer = fake_qa.ask("Flughafen", top_k=5, chapter="Sport")
    assert answer.hits and all(h.pledge.section.startswith("Sport") for h in answer.hits)


def test_abstention_decides_on_the_filtered_candidates(fake_qa) -> None:
    """An airport question in the chapter "Sport" must not be answered with a sports pledge."""
    question = "Was plant ihr zum Flughafen?"
    z_all = fake_qa.search(question, 5).evidence.as_dict()["dense_z"]
    z_sport = fake_qa.search(question, 5, "Sport").evidence.as_dict()["dense_z"]
    assert z_sport < z_all
    model = AbstentionModel((4.0,), 0.0, ((z_all + z_sport) / 2,), (1.0,), threshold=0.5, features=("dense_z",),
                            nothing_threshold=0.01)
    qa = QA(fake_qa.index, fake_qa.embedder, QAConfig(abstention=model))
    everywhere, in_sport = qa.ask(question, 5), qa.ask(question, 5, chapter="Sport")
    assert everywhere.outcome == "answer" and not everywhere.abstained and everywhere.text
    assert in_sport.outcome in ("nearest", "nothing") and in_sport.abstained
    assert in_sport.confidence is not None and in_sport.confidence < 0.5 < everywhere.confidence
    if in_sport.outcome == "nearest":
        assert in_sport.text.startswith("Direkt steht dazu nichts im Programm; am nächsten kommt:")


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "leer"), ("   \n\t ", "leer"), ("x" * (MAX_QUESTION_CHARS + 1), "zu lang"), (None, "Text"),
     (42, "Text"), ("\x00\x01binary\x00", "Binärdaten"), ("?!? …", "keine Wörter")],
)
def test_bad_questions_get_a_clear_error(fake_qa, question, message) -> None:
    answer = fake_qa.ask(question)
    assert message in answer.error
    assert answer.hits == () and answer.text == ""


def test_control_characters_and_html_are_just_text(fake_qa) -> None:
    answer = fake_qa.ask("<script>alert(1)</script>\x07 Flughafen")
    assert not answer.error and answer.hits
    assert answer.question == "<script>alert(1)</script> Flughafen"


def test_doorstep_answer_and_cite(fake_qa) -> None:
    assert doorstep_text(doorstep_hits(())) == ""
    hits = fake_qa.ask("Flughafen", top_k=5).hits
    text = doorstep_text(doorstep_hits(hits, max_sentences=2, min_relative=0.0))
    assert text.count("(wahlprogramm-2025, Z.") == 2
    assert cite(hits[0].pledge.citations).startswith("(wahlprogramm-2025, Z. ")
