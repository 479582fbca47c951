"""The pure pieces behind the newer UI features: catalogues, language choice, one vote per person,
topic sheets, permalinks and short links, take-aways built on demand, the app's one config."""
from __future__ import annotations

import json
import re
import sqlite3
import string
from dataclasses import fields
from pathlib import Path

import pytest

from qa.types import Answer
from ui.config import AppConfig, parse_args, start_message
from ui.feedback import open_feedback
from ui.handlers import Handlers
from ui.i18n import CATALOGUES, Texts, from_accept_language, texts_for
from ui.render import render_correction, render_doorstep, render_status
from ui.session import Session, page_language, voter_id
from ui.share import parse_pledge, permalink, readable_link, share_url
from ui.source import load_sources
from ui.topics import Outline, render_section, section_title, sheet_html

XSS = "<script>x</script>"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_catalogue_is_complete_with_the_same_placeholders() -> None:
    de = texts_for("de")
    assert set(CATALOGUES) == {"de", "en", "tr", "ar", "pl", "ru"}
    for code, t in CATALOGUES.items():
        assert t.code == code and t.direction == ("rtl" if code == "ar" else "ltr")
        for f in fields(Texts):
            value, reference = getattr(t, f.name), getattr(de, f.name)
            if f.name == "german_only":
                assert bool(value) == (code != "de"), code
                continue
            if f.name == "examples":  # the example questions, written in each language
                assert len(value) == len(reference) and all(q.strip() for q in value), code
                assert code == "de" or not set(value) & set(reference), f"{code}: German examples"
                continue
            assert value.strip(), f"{code}.{f.name} is empty"
            assert placeholders(value) == placeholders(reference), f"{code}.{f.name}"
        if code != "de":
            assert t.ask_button != de.ask_button and t.question_label != de.question_label, code


def test_counts_and_statuses_read_right(fake_qa) -> None:
    de, en = texts_for("de"), texts_for("en")
    one = fake_qa.ask("Flughafen?", top_k=1)
    assert len(one.hits) == 1 and not one.abstained
    assert de.results_status(1, "", "Flughafen?") == "1 Ergebnis für „Flughafen?“."
    assert de.results_status(5, "", "x") == "5 Ergebnisse für „x“."
    assert en.results_status(1, "", "x") == "1 result for “x”." and en.results_status(2, "", "x").startswith("2 results")
    assert "1 Ergebnis" in render_status(one) and "Ergebnisse" not in render_status(one)


def test_page_language_from_header_link_and_question() -> None:
    assert from_accept_language("tr-TR,tr;q=0.9,en;q=0.8") == "tr"
    assert from_accept_language("fr-FR,fr;q=0.9,pl;q=0.5") == "pl"
    assert from_accept_language("fr-FR") == "de" and from_accept_language("") == "de"
    assert from_accept_language("en;q=0, ru") == "ru"
    assert texts_for("xx").code == "de" and texts_for(None).code == "de"
    assert page_language("tr", Session(lang="de")) == "tr"
    assert page_language("", Session(lang="en")) == "en"  # unsure: keep
    assert page_language("tr", Session(lang="en", chosen=True)) == "en"  # picked by hand: keep


def test_voter_ids_are_checked() -> None:
    assert voter_id("97ab777a-a51d-4d1d-8fe0-624ecf4d0704", "session") == "97ab777a-a51d-4d1d-8fe0-624ecf4d0704"
    for bad in ("", "short", "<script>", "x" * 65, None, 42):
        assert voter_id(bad, "session-hash") == "session-hash"


def test_one_vote_per_person_question_and_pledge(tmp_path: Path) -> None:
    store = open_feedback(tmp_path)
    assert store.record("Flughafen?", "p:1", "helpful", voter="voter-0001", chapter="Mobilität", model="m")
    assert store.record("Flughafen?", "p:1", "unhelpful", voter="voter-0001", chapter="Mobilität", model="m")
    assert store.record("Flughafen?", "p:1", "helpful", voter="voter-0002")
    assert store.record("Flughafen?", "p:2", "helpful", voter="voter-0001")
    votes = store.votes()
    assert [(v.pledge_id, v.vote, v.voter, v.chapter, v.model) for v in votes] == [
        ("p:1", "unhelpful", "voter-0001", "Mobilität", "m"), ("p:1", "helpful", "voter-0002", "", ""),
        ("p:2", "helpful", "voter-0001", "", "")]
    assert store.vote_of("voter-0001", "Flughafen?", "p:1") == "unhelpful"
    assert store.vote_of("nobody-000", "Flughafen?", "p:1") == ""


def test_an_old_feedback_database_gains_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite"
    with sqlite3.connect(path) as con:
        con.executescript("CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, question TEXT NOT NULL, "
                          "pledge_id TEXT NOT NULL, vote TEXT NOT NULL, created_utc TEXT NOT NULL);"
                          "INSERT INTO feedback (question, pledge_id, vote, created_utc) VALUES ('q', 'p:1', 'helpful', 't');"
                          "INSERT INTO feedback (question, pledge_id, vote, created_utc) VALUES ('q', 'p:1', 'helpful', 't');")
    store = open_feedback(tmp_path)
    assert store.record("q", "p:1", "unhelpful", voter="voter-0001", chapter="Sport")
    assert [(v.vote, v.voter, v.chapter) for v in store.votes()] == [
        ("helpful", "", ""), ("helpful", "", ""), ("unhelpful", "voter-0001", "Sport")]


def test_outline_and_topic_sheet(fake_index, corpus_dir: Path) -> None:
    outline = Outline.of(fake_index.pledges)
    assert outline.chapters[0] == "Einleitung" and "Mobilität" in outline.chapters
    assert "Mobilität › Flughafen" in outline.sections["Mobilität"]
    assert outline.section_of("wahlprogramm-2025:3055") == "Mobilität › Flughafen"
    shown = sum(len(v) for v in outline.passages.values())
    pledges = sum(p.kind == "pledge" for p in fake_index.pledges)
    assert pledges <= shown <= len(fake_index.pledges)  # every pledge, prose only where a section has none
    assert all(outline.passages[s] for s in outline.passages)
    flughafen = outline.passages["Mobilität › Flughafen"]
    html = render_section("Mobilität › Flughafen", flughafen, load_sources(corpus_dir), focus="wahlprogramm-2025:3055")
    assert html.count('<li class="nf-karte') == len(flughafen)
    assert 'class="nf-karte nf-fokus"' in html and "<details class=\"nf-quelle\" open>" in html
    assert html.count("<details class=\"nf-quelle\" open>") == 1
    assert '<a href="?p=wahlprogramm-2025:3055">' in html
    sheet = sheet_html(f"Mobilität › {XSS}", flughafen, __import__("datetime").datetime(2025, 9, 1, 12, 0))
    assert "<script" not in sheet and "@page{size:A4" in sheet and sheet.count("<li>") == len(flughafen)
    assert "Wahlprogramm 2025, Z. 3055" in re.sub(r"<[^>]+>", "", sheet)
    turkish = sheet_html("Mobilität › Flughafen", flughafen, __import__("datetime").datetime(2025, 9, 1, 12, 0),
                         texts_for("tr"))
    assert "Wahlprogramm 2025</span>, satır <bdi" in turkish and "Z." not in turkish  # the page's word for line
    assert section_title("Mobilität › Flughafen") == "Flughafen" and section_title("Einleitung") == "Einleitung"


def test_permalinks_and_readable_share_links() -> None:
    assert permalink("wahlprogramm-2025:3055") == "?p=wahlprogramm-2025:3055"
    known = {"wahlprogramm-2025:3055": object()}
    assert parse_pledge({"p": "wahlprogramm-2025:3055"}, known) == "wahlprogramm-2025:3055"
    assert parse_pledge({"p": "nope:1"}, known) == "" and parse_pledge({}, known) is None
    url = share_url("http://127.0.0.1:7860/", "Was passiert mit dem Flughafen Dortmund? Und mit den Bussen?", "Mobilität")
    short = readable_link(url)
    assert short.startswith("127.0.0.1:7860/?q=Was passiert mit dem Flughafen") and "%" not in short
    assert len(short) <= 60 and short.endswith("…")


def test_correction_notice_and_no_copy_button_on_no_answer() -> None:
    from qa.spell import Change

    answer = Answer("Flughafn?", (), False, "", corrected="Flughafen?", corrections=(Change("Flughafn", "Flughafen"),))
    notice = render_correction(answer)
    assert "Gesucht nach: <strong>Flughafen</strong> (statt „Flughafn“)" in notice
    assert "Stattdessen nach „Flughafn?“ suchen" in notice
    assert render_correction(Answer("x", (), False, "")) == ""
    assert "ماذا" not in render_correction(answer, texts_for("ar")) and "بدلًا من" in render_correction(answer, texts_for("ar"))
    nothing = render_doorstep(Answer("Wetter?", (), True, ""))
    assert "Dazu steht nichts im Programm." in nothing and "<button" not in nothing


def test_take_aways_are_built_on_demand(fake_qa, corpus_dir: Path, tmp_path: Path) -> None:
    h = Handlers(fake_qa, open_feedback(tmp_path), load_sources(corpus_dir), AppConfig())
    assert h.export(Session(), "md") == ""
    s = h.answered("Ehrenamtsfonds weiter aufstocken", "", "http://127.0.0.1:7860/", Session())
    md = json.loads(h.export(s, "md"))
    assert re.fullmatch(r"nachgefragt-antwort-ehrenamtsfonds-weiter-aufstocken-\d{4}-\d\d-\d\d\.md", md["name"])
    assert "Wahlprogramm 2025, Z. 3679" in md["text"] and not md["print"]
    page = json.loads(h.export(s, "print"))
    assert page["print"] and page["mime"] == "text/html" and "@media print" in page["text"]
    sheet = json.loads(h.export(h.pledge_session("wahlprogramm-2025:3055", s), "sheet"))
    assert sheet["name"].startswith("nachgefragt-themenblatt-flughafen-") and sheet["print"]
    assert not list(tmp_path.glob("**/*.md")) and not list(tmp_path.glob("**/*.html"))  # nothing on disk
    cut = h.answered("Flughafen " * 500, "", "", Session())
    assert cut.answer.question and len(cut.answer.question) <= 1000 and "1000 Zeichen" in cut.notice


def test_one_config_for_flags_build_demo_and_tests() -> None:
    flags, defaults = parse_args([]), AppConfig()
    assert (flags.concurrency, flags.queue_size) == (defaults.concurrency, defaults.queue_size) == (40, 64)
    assert flags.batch == defaults.batch and flags.batch.max_batch <= flags.concurrency  # a batch can fill up
    assert (flags.cache_size, flags.in_process) == (defaults.cache_size, defaults.in_process) == (1024, False)
    assert (flags.host, flags.port, flags.top_k) == ("127.0.0.1", 7860, 5)
    for bad in (["--max-batch", "0"], ["--batch-workers", "0"], ["--concurrency", "0"], ["--cache-size", "-1"]):
        with pytest.raises(SystemExit):  # argparse's clear message, no traceback
            parse_args(bad)
    with pytest.raises(Exception):
        defaults.port = 1  # type: ignore[misc]


def test_cli_cites_as_the_page_does_and_says_what_the_order_means(fake_qa) -> None:
    from qa.__main__ import format_answer

    text = format_answer(fake_qa.ask("Ehrenamtsfonds weiter aufstocken", top_k=2))
    assert "Wahlprogramm 2025, Z. 3679; Antrag „Gleichberechtigung und Engagement“, Z. 252" in text
    assert "wahlprogramm-2025, Z." not in text and not re.search(r"\[\d\.\d{3}\]", text)  # no raw score
    assert "die passendste Stelle zuerst" in text
    typo = format_answer(fake_qa.ask("Was habt ihr mit dem Flughafn vor?", top_k=2))
    assert "Gesucht nach: Flughafen (statt „Flughafn“)" in typo


def test_start_message_mentions_building_only_on_a_first_start(tmp_path: Path) -> None:
    from index.storage.config import index_name_for

    config = AppConfig(data_dir=tmp_path, model="some/model")
    assert "first start" in start_message(config)
    (tmp_path / index_name_for("some/model")).mkdir(parents=True)
    (tmp_path / index_name_for("some/model") / "manifest.json").write_text("{}")
    assert "first start" not in start_message(config) and "some/model" in start_message(config)
