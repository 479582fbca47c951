"""Every page text in the page's language (issue 19): examples, the word for "line", share links
that keep the language, right-to-left islands, and no catalogue key ever reaching the page raw."""
from __future__ import annotations

import html
import re
from dataclasses import fields
from datetime import datetime, timezone

import pytest

from index.sources.pledge import Citation, LeadIn, Pledge
from qa.types import Answer, Hit
from qa.wording import quoted
from ui.config import AppConfig
from ui.export import html_export, markdown_export
from ui.feedback import open_feedback
from ui.handlers import Handlers, top_k_notice
from ui.i18n import CATALOGUES, Texts, texts_for
from ui.render import breakable_link, render_answer, render_citation, render_doorstep, render_share
from ui.session import Session
from ui.share import share_url, with_language
from ui.source import load_sources
from ui.topics import Outline, render_section, sheet_html

WHEN = datetime(2025, 9, 1, 12, 30, tzinfo=timezone.utc)
FIELDS = {f.name for f in fields(Texts)}
# A catalogue key on a page: a field name ("feedback_thanks") or a dotted key ("common.complete").
RAW_KEY = re.compile(r"\b(?:%s)\b|\bcommon\.[a-z_]+\b" % "|".join(sorted(f for f in FIELDS if "_" in f)))


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def pledge(lead_line: int = 10, bullet_line: int = 12) -> Pledge:
    return Pledge(id=f"wahlprogramm-2025:{bullet_line}", kind="pledge", section="Mobilität › Flughafen",
                  lead_in="Daher werden wir", text="den Flughafen nicht weiter subventionieren.",
                  citations=(Citation("wahlprogramm-2025", bullet_line, bullet_line),),
                  lead_in_at=LeadIn("wahlprogramm-2025", lead_line, lead_line, "Daher werden wir"))


@pytest.fixture(scope="module")
def handlers(fake_index, tmp_path_factory, corpus_dir):  # type: ignore[no-untyped-def]
    from fakes import FakeEmbedder

    from qa.pipeline import QA

    h = Handlers(QA(fake_index, FakeEmbedder()), open_feedback(tmp_path_factory.mktemp("fb")),
                 load_sources(corpus_dir), AppConfig())
    yield h
    h.close()


def test_examples_are_written_in_each_language() -> None:
    german = set(texts_for("de").examples)
    for code, t in CATALOGUES.items():
        assert len(t.examples) == 5 and all(q.strip().endswith(("?", "؟")) for q in t.examples), code
        assert code == "de" or not german & set(t.examples), code


@pytest.mark.parametrize("code, word", [("de", "Z."), ("en", "line"), ("tr", "satır"), ("ar", "سطر"),
                                        ("pl", "w."), ("ru", "стр.")])
def test_citations_say_line_in_the_page_language(code: str, word: str) -> None:
    chip = render_citation(Citation("wahlprogramm-2025", 3055, 3056), texts_for(code))
    assert text_of(chip) == f"Wahlprogramm 2025, {word} 3055–3056"
    # the German source name and the numbers are left-to-right islands (Arabic reads around them)
    assert '<span lang="de" dir="ltr">Wahlprogramm 2025</span>' in chip and '<bdi dir="ltr">3055–3056</bdi>' in chip


def test_a_pledge_shows_its_joint_in_the_programme_words() -> None:
    apart, adjacent = pledge(10, 12), pledge(11, 12)
    assert quoted(apart) == "Daher werden wir … den Flughafen nicht weiter subventionieren."
    assert quoted(adjacent) == "Daher werden wir den Flughafen nicht weiter subventionieren."
    assert apart.sentence.startswith("Wir werden")  # what is searched; not what is shown as a quote
    answer = Answer("Flughafen?", (Hit(apart, 1.0),), False, "", used=(Hit(apart, 1.0),))
    box = render_doorstep(answer, texts_for("en"))
    assert '<span class="nf-einleitung">Daher werden wir</span>' in box
    assert "Daher werden wir … den Flughafen nicht weiter subventionieren. (Wahlprogramm 2025, line 12)" in text_of(box)


def test_share_link_carries_and_changes_the_language() -> None:
    url = share_url("http://127.0.0.1:7860/", "Havalimanı?", "", "tr")
    assert url == "http://127.0.0.1:7860/?q=Havaliman%C4%B1%3F&lang=tr"
    assert with_language(url, "ar") == "http://127.0.0.1:7860/?q=Havaliman%C4%B1%3F&lang=ar"
    assert with_language("", "ar") == ""
    shown = render_share(with_language(url, "ar"), texts_for("ar"))
    assert 'dir="ltr"' in shown  # an address reads left to right on an Arabic page
    assert breakable_link("h/?q=a b&lang=tr") == "h/<wbr>?q=a b<wbr>&amp;lang=tr"  # breaks at ? and &


def test_a_turkish_answer_shares_a_turkish_link(handlers) -> None:  # type: ignore[no-untyped-def]
    s = handlers.answered("Havalimanı ile ilgili ne yapmayı planlıyorsunuz?", "", "http://h/", Session())
    assert s.lang == "tr" and s.link.endswith("&lang=tr")
    page = render_answer(s.answer, handlers.sources, t=texts_for(s.lang))
    assert "satır" in text_of(page) and " Z. " not in text_of(page)


def test_api_says_when_top_k_is_cut(handlers) -> None:  # type: ignore[no-untyped-def]
    many = handlers.api_ask("Flughafen", "", 50)
    assert len(many["hits"]) <= 20 and many["notices"] == [top_k_notice(50, 20)]
    assert "50" in many["notices"][0] and "20" in many["notices"][0]
    assert handlers.api_ask("Flughafen", "", 5)["notices"] == []


def test_printing_a_topic_sheet_with_nothing_chosen_says_what_to_choose(handlers) -> None:  # type: ignore[no-untyped-def]
    payload, note = handlers.sheet(Session(lang="pl"))
    assert payload == "" and texts_for("pl").topics_choose in html.unescape(note) and 'role="status"' in note
    payload, note = handlers.sheet(Session(lang="pl", section="Mobilität › Flughafen"))
    assert payload and note == ""


def test_take_aways_speak_the_page_language(handlers) -> None:  # type: ignore[no-untyped-def]
    answer = handlers.ask("Flughafen Dortmund", "", top_k=3)
    ru = texts_for("ru")
    md, page = markdown_export(answer, "", WHEN, t=ru), html_export(answer, "", WHEN, t=ru)
    for text in (md, page):
        assert ru.export_question in text and "стр." in text and "Создано: 1 сент. 2025\u202fг., 14:30" in text
        assert " Z. " not in text and "Uhr" not in text
    outline = Outline.of(handlers.qa.index.pledges)
    sheet = sheet_html("Mobilität › Flughafen", outline.passages["Mobilität › Flughafen"], WHEN, ru)
    assert '<html lang="ru"' in sheet and "стр." in sheet and ru.export_sheet_title in sheet


def test_no_catalogue_key_reaches_the_page_raw(handlers) -> None:  # type: ignore[no-untyped-def]
    """Every view the page shows, in every language: its texts, never a key like "feedback_thanks"
    or Gradio's "common.complete" (the page script silences Gradio's own)."""
    outline = Outline.of(handlers.qa.index.pledges)
    for code in CATALOGUES:
        t = texts_for(code)
        s = handlers.answered("Was passiert mit dem Flughafen?", "", "http://h/", Session(lang=code, chosen=True))
        view = handlers.answer_view(s)
        pieces = [str(v) for v in view.values()]
        pieces.append(render_section("Mobilität › Flughafen", outline.passages["Mobilität › Flughafen"],
                                     handlers.sources, t))
        pieces.append(handlers.vote(s, 1, "helpful", f"voter-{code}-0000"))
        pieces.append(handlers.vote(s, 99, "helpful", f"voter-{code}-0000"))
        for piece in pieces:
            found = RAW_KEY.findall(text_of(piece))
            assert not found, (code, found)
        # every text placeholder was filled
        assert not re.search(r"\{[a-z_]+\}", " ".join(text_of(p) for p in pieces)), code
