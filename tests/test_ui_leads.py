"""Issue 17 in the page: reasons, "nearest" said once and taken away, "nothing in this chapter"
with where else, similar questions, "Häufige Fragen" of topic sheets, and bank candidates from
the feedback (pure pieces and handlers; the browser side is in test_app_leads_e2e.py)."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from index.sources.bank import BankEntry
from qa.abstain import FEATURES, AbstentionModel
from qa.bank import REASONS, BankNeighbour
from qa.pipeline import QA, QAConfig
from qa.types import Answer, Hit
from ui.config import AppConfig
from ui.export import html_export, markdown_export
from ui.faq import Faq, render_faq, sheet_faq
from ui.feedback import open_feedback
from ui.handlers import Handlers, takes_away
from ui.i18n import CATALOGUES, texts_for
from ui.leads import reason_text, render_elsewhere, render_similar
from ui.payload import answer_payload
from ui.render import render_answer, render_doorstep, render_status
from ui.session import Session
from ui.source import load_sources
from ui.topics import Outline, render_section, sheet_html

WHEN = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
INTRO = "Direkt steht dazu nichts im Programm"


@pytest.fixture(scope="module")
def sources(corpus_dir: Path) -> dict[str, list[str]]:
    return load_sources(corpus_dir)


def model(nothing: bool) -> AbstentionModel:
    n = len(FEATURES)
    return AbstentionModel(weights=(0.0,) * n, bias=-50.0, mean=(0.0,) * n, scale=(1.0,) * n, threshold=0.5,
                          nothing_threshold=0.5 if nothing else 0.0)


def neighbour(question: str, lang: str = "de", passages: tuple[str, ...] = ("wahlprogramm-2025:3055",)) -> BankNeighbour:
    return BankNeighbour(BankEntry(id="qb-x", question=question, lang=lang, voice="citizen", passages=passages), 0.8)


def with_similar(answer: Answer, n: int) -> Answer:
    return replace(answer, similar=tuple(neighbour(f"Frage {i}?") for i in range(n)))


# --- reasons --------------------------------------------------------------------------------
@pytest.mark.parametrize("code", list(CATALOGUES))
def test_every_reason_is_said_in_every_language(code: str) -> None:
    t = texts_for(code)
    texts = [reason_text(r, t) for r in REASONS]
    assert all(texts) and len(set(texts)) == len(REASONS)
    assert reason_text("", t) == "" and reason_text("near_miss", t) == ""


@pytest.mark.parametrize("code", ["de", "ar"])
def test_nothing_says_why_in_the_page_language(fake_qa, sources, code: str) -> None:
    qa = QA(fake_qa.index, fake_qa.embedder, QAConfig(abstention=model(nothing=True)))
    answer = qa.ask("Wer ist Bürgermeister?")
    assert answer.outcome == "nothing" and answer.reason == "people_party"
    t = texts_for(code)
    page, box = render_answer(answer, sources, t=t), render_doorstep(answer, t)
    assert t.reason_people_party in page and t.reason_people_party in box
    assert 'data-nf-reason="people_party"' in page and "people_party" not in re.sub(r'data-nf-reason="\w+"', "", page)
    if code == "de":
        assert "Das Programm enthält Vorhaben, keine Angaben zu Personen oder zur Partei." in page


def test_federal_reason_has_the_issue_wording() -> None:
    answer = Answer("Wie hoch ist die Mehrwertsteuer?", (), True, "", outcome="nothing", reason="federal_state")
    assert ("Darüber entscheiden Bund oder Land, nicht der Rat der Stadt – das Kommunalwahlprogramm sagt dazu "
            "nichts.") in render_doorstep(answer)


# --- nearest: once, and to take away -------------------------------------------------------
def test_nearest_says_it_once_and_can_be_copied_and_printed(fake_qa, sources) -> None:
    qa = QA(fake_qa.index, fake_qa.embedder, QAConfig(abstention=model(nothing=False)))
    answer = qa.ask("Flughafen", top_k=3)
    assert answer.outcome == "nearest" and answer.used
    page = render_status(answer) + render_doorstep(answer) + render_answer(answer, sources)
    assert page.count(INTRO) == 1
    box = render_doorstep(answer)
    assert "data-nf-copy " in box and "Stellen kopieren" in box and answer.used[0].pledge.text in box
    results = render_answer(answer, sources)
    assert "Nächstliegende Stellen (keine Antwort auf Ihre Frage)" in results and "Nächstliegende Stelle 1" in results
    assert takes_away(answer) and not takes_away(replace(answer, outcome="nothing", used=()))
    md, printable = markdown_export(answer, "", WHEN, t=texts_for("de")), html_export(answer, "", WHEN)
    for text in (md, printable):
        assert INTRO in text and "Wahlprogramm 2025, Z." in text
    assert answer.used[0].pledge.text[:40] in printable


def test_handlers_offer_nearest_for_print(fake_qa, sources, tmp_path: Path) -> None:
    qa = QA(fake_qa.index, fake_qa.embedder, QAConfig(abstention=model(nothing=False)))
    h = Handlers(qa, open_feedback(tmp_path), sources, AppConfig())
    try:
        s = h.answered("Flughafen", "", "", Session())
        assert h.answer_view(s)["exports"] is True
        item = json.loads(h.export(s, "print"))
        assert item["print"] and INTRO in item["text"]
    finally:
        h.close()


# --- chapter filter: where else -------------------------------------------------------------
def elsewhere_qa(fake_qa) -> tuple[QA, str]:
    question = "Was plant ihr zum Flughafen?"
    z_all = fake_qa.search(question, 5).evidence.as_dict()["dense_z"]
    z_sport = fake_qa.search(question, 5, "Sport").evidence.as_dict()["dense_z"]
    m = AbstentionModel((4.0,), 0.0, ((z_all + z_sport) / 2,), (1.0,), threshold=0.5, features=("dense_z",),
                        nothing_threshold=0.01)
    return QA(fake_qa.index, fake_qa.embedder, QAConfig(abstention=m)), question


def test_nothing_in_this_chapter_points_to_where_the_programme_speaks_of_it(fake_qa, sources) -> None:
    qa, question = elsewhere_qa(fake_qa)
    answer = qa.ask(question, 5, chapter="Sport")
    assert answer.abstained and answer.elsewhere
    chapters = {h.pledge.chapter for h in answer.elsewhere}
    assert "Sport" not in chapters
    block = render_elsewhere(answer, "Sport")
    assert 'Im Kapitel <span lang="de" dir="ltr">Sport</span> steht dazu nichts.' in block
    first = answer.elsewhere[0].pledge
    assert f'Im Kapitel <span lang="de" dir="ltr">{first.chapter}</span>:' in block and first.sentence in block
    assert f'data-nf-ask="{question}"' in block and "In allen Kapiteln suchen" in block
    assert block in render_answer(answer, sources, chapter="Sport")
    assert render_elsewhere(answer, "") == "" and render_elsewhere(replace(answer, elsewhere=()), "Sport") == ""
    payload = answer_payload(answer, "Sport")
    assert [e["pledge_id"] for e in payload["elsewhere"]] == [h.pledge.id for h in answer.elsewhere]
    assert payload["elsewhere"][0]["chapter"] == first.chapter and payload["elsewhere"][0]["citations"]
    json.dumps(payload)
    assert answer_payload(qa.ask(question, 5))["elsewhere"] == []


@pytest.mark.parametrize("code", list(CATALOGUES))
def test_elsewhere_in_every_language(code: str, fake_qa) -> None:
    pledge = fake_qa.index.pledges[0]
    answer = Answer("Frage?", (), True, "", outcome="nothing", elsewhere=(Hit(pledge, 1.0),))
    t = texts_for(code)
    block = render_elsewhere(answer, "Sport", t)
    assert t.search_all_chapters in block and "{chapter}" not in block


# --- similar questions ----------------------------------------------------------------------
def test_similar_questions_under_an_answer(fake_qa, sources) -> None:
    answer = fake_qa.ask("Was passiert mit dem Flughafen?")
    assert answer.outcome == "answer" and 3 <= len(answer.similar) <= 5
    page = render_answer(answer, sources)
    assert "<h3 id=\"nf-aehnlich-titel\">Ähnliche Fragen</h3>" in page
    buttons = re.findall(r'<button type="button" class="nf-folgefrage" data-nf-ask="([^"]*)"', page)
    assert len(buttons) == len(answer.similar) and answer.question not in buttons
    assert render_similar(with_similar(answer, 2)) == ""  # fewer than three: no list under an answer
    assert render_similar(with_similar(answer, 9)).count("nf-folgefrage") == 5


def test_similar_questions_under_nothing_are_what_the_programme_answers(fake_qa, sources) -> None:
    qa = QA(fake_qa.index, fake_qa.embedder, QAConfig(abstention=model(nothing=True)))
    answer = qa.ask("Wie wird das Wetter morgen?")
    assert answer.similar
    page = render_answer(answer, sources)
    assert "Dazu steht etwas im Programm:" in page and "Ähnliche Fragen" not in page
    one = with_similar(answer, 1)
    assert render_similar(one).count("nf-folgefrage") == 1  # under "nothing" even one leads on


def test_similar_questions_keep_their_language_and_are_escaped() -> None:
    answer = Answer("x", (), False, "", similar=tuple(neighbour(q, lang) for q, lang in
                                                     [('<b>"a"</b>', "de"), ("ما هو؟", "ar"), ("Ne?", "tr")]))
    html = render_similar(answer, texts_for("ar"))
    assert "<b>" not in html and "&lt;b&gt;&quot;a&quot;&lt;/b&gt;" in html
    assert 'lang="ar" dir="auto"' in html and "أسئلة مشابهة" in html


# --- topic sheets: Häufige Fragen -----------------------------------------------------------
def test_faq_per_section_german_first_with_the_pledge_lines(fake_qa, sources) -> None:
    outline = Outline.of(fake_qa.index.pledges)
    faq = Faq.of(fake_qa.index.bank, outline.passages)
    section = "Mobilität › Flughafen"
    items = faq.of_section(section)
    assert 3 <= len(items) <= 8
    langs = [i.lang for i in items]
    assert langs[0] == "de" and langs == sorted(langs, key=lambda code: code != "de")
    assert all(p.section == section for i in items for p in i.pledges) and all(i.pledges for i in items)
    assert len({i.question for i in items}) == len(items)
    covered = sum(1 for s in outline.passages if faq.of_section(s))
    assert covered >= 0.8 * len(outline.passages)
    page = render_section(section, outline.passages[section], sources, faq=items)
    assert "Häufige Fragen" in page and items[0].question in page
    anchor = "nf-stelle-" + items[0].pledges[0].id.replace(":", "-")
    assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page
    sheet = sheet_html(section, outline.passages[section], WHEN, faq=items)
    assert "Häufige Fragen" in sheet and items[0].question in sheet and "Wahlprogramm 2025, Z." in sheet
    assert sheet.count("<li>") == len(outline.passages[section])  # the pledges; the questions are their own list
    assert render_faq((), texts_for("de")) == "" and sheet_faq(()) == ""


def test_topic_tab_and_sheet_of_the_handlers_carry_the_faq(fake_qa, sources, tmp_path: Path) -> None:
    h = Handlers(fake_qa, open_feedback(tmp_path), sources, AppConfig())
    try:
        s = Session(section="Mobilität › Flughafen", lang="tr")
        assert "Sık sorulan sorular" in h.topic_view(s)
        assert "Sık sorulan sorular" in json.loads(h.export(s, "sheet"))["text"]
    finally:
        h.close()


# --- bank candidates from the feedback ------------------------------------------------------
def test_unanswered_questions_are_kept_and_exported_as_bank_candidates(fake_qa, sources, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from eval.__main__ import main

    qa = QA(fake_qa.index, fake_qa.embedder, QAConfig(abstention=model(nothing=True)))
    store = open_feedback(tmp_path)
    h = Handlers(qa, store, sources, AppConfig())
    try:
        h.answered("Wer ist Bürgermeister?", "", "", Session())
        h.answered("wer ist  bürgermeister?", "", "", Session())
        h.answered("Wie ist das Wetter auf dem Mars?", "Sport", "", Session())
    finally:
        h.close()
    answering = Handlers(fake_qa, store, sources, AppConfig())
    try:
        answering.answered("Was passiert mit dem Flughafen?", "", "", Session())  # answered: not kept
    finally:
        answering.close()
    store.record("Warum so teuer?", "wahlprogramm-2025:3055", "unhelpful", voter="a" * 10)
    store.record("Warum so teuer?", "wahlprogramm-2025:579", "unhelpful", voter="b" * 10)
    store.record("Gut so?", "wahlprogramm-2025:3055", "helpful", voter="a" * 10)
    kept = store.unanswered()
    assert [u.outcome for u in kept] == ["nothing"] * 3 and kept[0].reason == "people_party"
    assert kept[2].chapter == "Sport" and kept[0].lang == "de"
    out = tmp_path / "candidates.jsonl"
    assert main(["export-feedback", "--data-dir", str(tmp_path), "--candidates", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_q = {r["question"]: r for r in rows}
    assert set(by_q) == {"Wer ist Bürgermeister?", "Warum so teuer?", "Wie ist das Wetter auf dem Mars?"}
    assert by_q["Wer ist Bürgermeister?"]["times_unanswered"] == 2 and by_q["Wer ist Bürgermeister?"]["why"] == ["nothing"]
    assert by_q["Wer ist Bürgermeister?"]["reasons"] == ["people_party"]
    assert by_q["Warum so teuer?"]["why"] == ["unhelpful"] and by_q["Warum so teuer?"]["unhelpful_votes"] == 2
    assert by_q["Warum so teuer?"]["unhelpful_pledges"] == ["wahlprogramm-2025:3055", "wahlprogramm-2025:579"]
    assert rows[0]["question"] in ("Wer ist Bürgermeister?", "Warum so teuer?")  # most frequent first
    assert "candidates for review" in capsys.readouterr().err


def test_bank_questions_are_not_candidates_again(fake_qa, tmp_path: Path) -> None:
    from eval.candidates import bank_candidates
    from ui.feedback import Unanswered

    known = fake_qa.index.bank[0].question
    rows = [Unanswered(known, "nothing", "2026-12-07T12:00:00+00:00"),
            Unanswered("Neu?", "nearest", "2026-12-07T12:00:00+00:00", lang="de")]
    out = bank_candidates(rows, (), fake_qa.index.bank)
    assert [c.question for c in out] == ["Neu?"] and out[0].why == ("nearest",)


def test_unanswered_refuses_an_answer_outcome(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        open_feedback(tmp_path).record_unanswered("x", "answer")
