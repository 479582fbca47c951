"""The pure pieces behind the UI: wording, cards, no-answer view, source view, exports, links."""
from __future__ import annotations

import html
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from index.sources.pledge import Citation, Pledge
from qa.abstain import AbstentionModel, FEATURES
from qa.answer import NO_ANSWER
from qa.pipeline import QA, QAConfig
from qa.types import Answer, Hit
from ui.export import export_filename, html_export, markdown_export, md_escape, slug, stamp
from ui.i18n import texts_for
from ui.payload import answer_payload
from ui.render import render_answer, render_card, render_doorstep, render_error, render_share, render_status
from ui.share import page_base, parse_shared, share_url
from ui.source import excerpt, load_sources, motion_line_map, render_source_view
from qa.wording import citation_words, citations_words, answer_hits, plain_answer, source_name


def text_of(page: str) -> str:
    """What a reader sees of an HTML fragment: the tags gone, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'
PROGRAMME = "wahlprogramm-2025"
MOTION = "antrag-gleichberechtigung-und-engagement"
WHEN = datetime(2025, 9, 1, 12, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def sources(corpus_dir: Path) -> dict[str, list[str]]:
    return load_sources(corpus_dir)


def always_abstain() -> AbstentionModel:
    n = len(FEATURES)
    return AbstentionModel(weights=(0.0,) * n, bias=-50.0, mean=(0.0,) * n, scale=(1.0,) * n, threshold=0.5,
                          nothing_threshold=0.5)


def evil_hit() -> Hit:
    pledge = Pledge(id="wahlprogramm-2025:10", kind="pledge", section=f"Kapitel {XSS}", lead_in="Wir werden",
                    text=f"{XSS} prüfen.", citations=(Citation(PROGRAMME, 10, 11),))
    return Hit(pledge, 1.0)


# --- wording -------------------------------------------------------------------------------

def test_citation_words_use_names_people_know() -> None:
    assert citation_words(Citation(PROGRAMME, 3055, 3056)) == "Wahlprogramm 2025, Z. 3055–3056"
    assert citation_words(Citation(MOTION, 252, 252)) == "Antrag „Gleichberechtigung und Engagement“, Z. 252"
    assert citation_words(Citation("neue-quelle", 1, 1)) == "neue-quelle, Z. 1"
    assert source_name("unbekannt") == "unbekannt"


def test_doorstep_answer_in_peoples_words(fake_qa) -> None:
    answer = fake_qa.ask("Ehrenamtsfonds weiter aufstocken", top_k=3)
    text = plain_answer(answer)
    assert answer_hits(answer)[0].pledge.id == "wahlprogramm-2025:3679"
    assert "(Wahlprogramm 2025, Z. 3679; Antrag „Gleichberechtigung und Engagement“, Z. 252)" in text
    assert "wahlprogramm-2025, Z." not in text
    assert len(text.splitlines()) == len(answer_hits(answer))


def test_doorstep_for_abstention_and_error() -> None:
    assert plain_answer(Answer("x", (), True, "")) == NO_ANSWER
    assert plain_answer(Answer("", (), True, "", error="Die Frage ist leer.")) == ""
    assert f"<li>{NO_ANSWER}</li>" in render_doorstep(Answer("x", (), True, ""))
    assert render_doorstep(Answer("", (), True, "", error="leer")) == ""


def test_doorstep_html_has_citations_and_copy_button(fake_qa) -> None:
    page = render_doorstep(fake_qa.ask("Ehrenamtsfonds weiter aufstocken", top_k=3))
    assert "<h2" in page and "Haustür-Antwort" in page
    # the programme's own words: lead-in (lighter), "…" for the bullets between, the bullet
    assert ('<span class="nf-einleitung">Dafür werden wir</span> <span class="nf-auslassung" aria-hidden="true">…'
            '</span> den Ehrenamtsfonds weiter aufstocken.') in page
    assert ("Dafür werden wir … den Ehrenamtsfonds weiter aufstocken. (Wahlprogramm 2025, Z. 3679; "
            "Antrag „Gleichberechtigung und Engagement“, Z. 252)") in text_of(page)
    assert "data-nf-copy" in page and "Antwort kopieren" in page


# --- cards ---------------------------------------------------------------------------------

def test_cards_show_sentence_section_and_citations(fake_qa, sources) -> None:
    answer = fake_qa.ask("Ehrenamtsfonds weiter aufstocken", top_k=3)
    page = render_answer(answer, sources)
    top = answer.hits[0].pledge
    assert "Dafür werden wir … den Ehrenamtsfonds weiter aufstocken." in text_of(page)  # exactly as printed
    assert html.escape(top.section) in page
    assert "Wahlprogramm 2025, Z. 3676, 3679" in text_of(page)
    assert "Antrag „Gleichberechtigung und Engagement“, Z. 252" in text_of(page)
    assert page.count('<details class="nf-quelle">') >= 2  # both citations of the twin
    assert page.count('data-nf-vote="helpful"') == 3 and page.count('data-nf-vote="unhelpful"') == 3


def test_everything_is_escaped(sources) -> None:
    hit = evil_hit()
    card = render_card(hit, 1, sources)
    assert "<script" not in card and "<img" not in card
    assert html.escape(XSS) in card
    answer = Answer(question=XSS, hits=(hit,), abstained=False, text="")
    for fragment in (render_status(answer), render_error(XSS), render_doorstep(answer), render_share(f"http://h/?q={XSS}"),
                     render_answer(answer, sources),
                     render_answer(Answer(XSS, (hit,), True, ""), sources)):
        assert "<script" not in fragment and "<img" not in fragment and 'onerror="' not in fragment


def test_no_answer_view_is_plain_and_labelled(fake_qa, sources) -> None:
    abstaining = QA(fake_qa.index, fake_qa.embedder, QAConfig(abstention=always_abstain()))
    answer = abstaining.ask("Wie wird das Wetter morgen?", top_k=3)
    assert answer.abstained
    page = render_answer(answer, sources)
    assert NO_ANSWER in page
    assert "Nächstliegende Themen" in page and "Nächstliegende Stellen (keine Antwort auf Ihre Frage)" in page
    assert "Nächstliegende Stelle 1" in page and "Ergebnis 1" not in page
    assert "Dazu steht nichts im Programm." in render_status(answer)
    assert answer.outcome == "nothing" and 'data-nf-outcome="nothing"' in page


def test_nearest_view_says_it_is_not_an_answer(fake_qa, sources) -> None:
    n = len(FEATURES)
    nearest = AbstentionModel(weights=(0.0,) * n, bias=-50.0, mean=(0.0,) * n, scale=(1.0,) * n, threshold=0.5)
    answer = QA(fake_qa.index, fake_qa.embedder, QAConfig(abstention=nearest)).ask("Flughafen", top_k=3)
    assert answer.outcome == "nearest" and answer.abstained and answer.used
    page, box = render_answer(answer, sources), render_doorstep(answer)
    intro = "Direkt steht dazu nichts im Programm; am nächsten kommt:"
    # said once, in the doorstep box (which can be copied: canvassers take the nearest pledges along)
    assert intro not in page and 'data-nf-outcome="nearest"' in page and "Nächstliegende Stelle 1" in page
    assert "Nächstliegende Stellen (keine Antwort auf Ihre Frage)" in page
    assert intro in box and answer.used[0].pledge.text in box and "data-nf-copy " in box
    assert "Direkt steht dazu nichts" not in render_status(answer)


def test_error_renders_only_the_error(sources) -> None:
    answer = Answer("", (), True, "", error="Die Frage ist leer. Bitte eine Frage eingeben.")
    assert render_answer(answer, sources) == ""
    assert 'role="alert"' in render_error(answer.error) and render_error("") == ""


# --- source view ----------------------------------------------------------------------------

def test_programme_source_view_uses_file_lines(sources, corpus_dir: Path) -> None:
    file_lines = (corpus_dir / "wahlprogramm-2025.txt").read_text(encoding="utf-8").split("\n")
    rows = excerpt(sources[PROGRAMME], Citation(PROGRAMME, 3055, 3056), context=8)
    assert [r.number for r in rows] == list(range(3047, 3065))
    assert [r.number for r in rows if r.cited] == [3055, 3056]
    assert rows[8].text == file_lines[3054].strip() and "Flughafen" in rows[8].text
    view = render_source_view(sources, Citation(PROGRAMME, 3055, 3056))
    assert '<tr class="nf-zitiert"><th scope="row">3055</th>' in view
    assert '<tr><th scope="row">3047</th>' in view and "3065" not in view


def test_motion_source_view_uses_printed_numbers(sources, corpus_dir: Path) -> None:
    mapping = motion_line_map((corpus_dir / f"{MOTION}.md").read_text(encoding="utf-8"))
    assert mapping[36].startswith("• den kommunalen Masterplan")
    assert mapping[37].startswith("umsetzen, um Frauen")
    assert mapping[72] == "Für Selbstbestimmung im Alter"
    assert mapping[241] == "Für das Ehrenamt als Herz der Stadt"
    assert mapping[252] == "• den Ehrenamtsfonds weiter aufstocken."
    assert mapping[273] == ""
    assert mapping[274] == "• Förderanträge durch digitale Lösungen und Unterstützungsangebote vereinfachen."
    assert max(mapping) == 274
    view = render_source_view(sources, Citation(MOTION, 252, 252), context=2)
    assert '<tr class="nf-zitiert"><th scope="row">252</th><td><mark>• den Ehrenamtsfonds weiter aufstocken.</mark>' in view
    assert '<th scope="row">250</th>' in view and '<th scope="row">254</th>' in view
    edge = excerpt(sources[MOTION], Citation(MOTION, 274, 274), context=8)
    assert edge[-1].number == 274 and edge[-1].cited and edge[0].number == 266


def test_source_view_out_of_range_says_so(sources) -> None:
    assert "nicht verfügbar" in render_source_view(sources, Citation(PROGRAMME, 99999, 99999))
    assert "nicht verfügbar" in render_source_view(sources, Citation("fehlt", 1, 1))


# --- exports ---------------------------------------------------------------------------------

def test_markdown_export(fake_qa) -> None:
    answer = fake_qa.ask("Ehrenamtsfonds weiter aufstocken", top_k=3)
    md = markdown_export(answer, "Gleichberechtigung und Engagement", WHEN, "http://127.0.0.1:7860/?q=x")
    assert md.startswith("# Nachgefragt – Haustür-Antwort")
    assert "**Frage:** Ehrenamtsfonds weiter aufstocken  \n" in md
    assert "Wahlprogramm 2025, Z. 3679; Antrag „Gleichberechtigung und Engagement“, Z. 252" in md
    assert "Dafür werden wir … den Ehrenamtsfonds weiter aufstocken." in md
    assert "Erstellt: 01.09.2025, 14:30" in md and "UTC" not in md and "<http://127.0.0.1:7860/?q=x>" in md
    evil = markdown_export(Answer(XSS, (evil_hit(),), False, ""), "", WHEN)
    assert re.search(r"(?<!\\)<", evil) is None  # every < is backslash-escaped
    assert "\\<script\\>" in evil
    assert md_escape("1. *fett* [x](y)") == "1\\. \\*fett\\* \\[x\\](y)"


def test_html_export_is_printable_and_escaped(fake_qa) -> None:
    answer = fake_qa.ask("Ehrenamtsfonds weiter aufstocken", top_k=3)
    page = html_export(answer, "", WHEN)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="de" dir="ltr">' in page
    assert "@media print" in page and "<script" not in page
    assert "Dafür werden wir … den Ehrenamtsfonds weiter aufstocken." in page
    evil = html_export(Answer(XSS, (evil_hit(),), True, ""), "", WHEN, share=f"http://h/?q={XSS}")
    assert "<script" not in evil and "<img" not in evil and NO_ANSWER in evil


def test_export_names_say_what_and_when_in_local_time() -> None:
    late = datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc)  # already 1 January in Dortmund
    assert export_filename("Was passiert mit dem Flughafen?", late, "md") == \
        "nachgefragt-antwort-was-passiert-mit-dem-flughafen-2026-01-01.md"
    assert export_filename("Grün & Straße", WHEN, "html", "themenblatt") == \
        "nachgefragt-themenblatt-gruen-strasse-2025-09-01.html"
    assert export_filename("ماذا عن المطار؟", WHEN, "md") == "nachgefragt-antwort-2025-09-01.md"
    assert len(slug("Wort " * 100)) <= 48
    assert stamp(WHEN) == "Erstellt: 01.09.2025, 14:30"
    assert stamp(datetime(2025, 1, 15, 9, 0, tzinfo=timezone.utc)) == "Erstellt: 15.01.2025, 10:00"
    assert stamp(WHEN, texts_for("en")) == "Created: Sep 1, 2025, 2:30\u202fPM"  # the page's own way of dates
    assert stamp(WHEN, texts_for("tr")) == "Oluşturuldu: 1 Eyl 2025, 14:30"


# --- share links and API payload -------------------------------------------------------------

def test_share_url_round_trip() -> None:
    url = share_url("http://127.0.0.1:7860/", "Was ist mit dem Flughafen?", "Mobilität")
    assert url == "http://127.0.0.1:7860/?q=Was+ist+mit+dem+Flughafen%3F&kapitel=Mobilit%C3%A4t"
    assert share_url("http://h/app/?q=alt#x", "neu") == "http://h/app/?q=neu"
    assert share_url("", "a b") == "?q=a+b"
    shared = parse_shared({"q": "Flughafen", "kapitel": "Mobilität"}, ["Mobilität"], 1000)
    assert shared is not None and (shared.question, shared.chapter) == ("Flughafen", "Mobilität")
    assert parse_shared({"q": "x", "kapitel": "<b>"}, ["Mobilität"], 1000).chapter == ""  # type: ignore[union-attr]
    assert parse_shared({"q": "  "}, [], 1000) is None
    assert len(parse_shared({"q": "x" * 100_000}, [], 1000).question) == 1001  # type: ignore[union-attr]


def test_page_base_prefers_the_page_and_only_http() -> None:
    assert page_base({"referer": "http://127.0.0.1:7860/?q=a"}) == "http://127.0.0.1:7860/"
    assert page_base({"referer": "javascript:alert(1)", "origin": "https://x.de"}) == "https://x.de/"
    assert page_base({"host": "h:1"}, "http://h:1/gradio_api/queue/join") == "http://h:1/"
    assert page_base({}) == ""


def test_answer_payload_is_json_ready(fake_qa) -> None:
    import json

    payload = answer_payload(fake_qa.ask("Ehrenamtsfonds weiter aufstocken", top_k=2), "", "?q=x")
    json.dumps(payload)
    top = payload["hits"][0]
    assert top["pledge_id"] == "wahlprogramm-2025:3679"
    assert [c["label"] for c in top["citations"]] == ["Wahlprogramm 2025, Z. 3679",
                                                      "Antrag „Gleichberechtigung und Engagement“, Z. 252"]
    assert citations_words(fake_qa.ask("Ehrenamtsfonds", top_k=1).hits[0].pledge.citations) in payload["answer"]
