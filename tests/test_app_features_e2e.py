"""The app's newer features in a real browser (Debian's Chromium via Playwright), desktop and phone:
typo notice and its way back, the page in the question's language (Turkish; Arabic right to
left), permalinks into the topic sheets, the print view, the phone scroll, one vote per pledge,
the keyboard in the chapter list. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from browsing import (ARTIFACTS, CHROMIUM, COUNT_PRINTS, DESKTOP, PHONE, TIMEOUT_MS, any_page, ask,  # noqa: F401
                      browser, page, servers, shot)

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

TYPO = "Was habt ihr mit dem Flughafn vor?"
ROOT_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CARD = "#nf-ergebnisse li.nf-karte"


def wait_in_view(pg, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the element's top is in the upper two thirds of the screen (the page scrolls smoothly)."""
    pg.wait_for_function("(s) => { const r = document.querySelector(s).getBoundingClientRect();"
                         " return r.top >= -2 && r.top < window.innerHeight * 0.65; }", arg=selector)  # -2: sub-pixel scroll
    pg.wait_for_timeout(400)  # let a smooth scroll finish before a screenshot


def test_typo_notice_and_the_way_back(servers, any_page) -> None:
    pg = any_page
    pg.goto(str(servers["url"]))
    ask(pg, TYPO)
    notice = pg.locator("#nf-korrektur .nf-korrektur")
    notice.wait_for()
    assert "Gesucht nach: Flughafen (statt „Flughafn“)" in notice.inner_text()
    pg.locator(CARD).first.wait_for()
    wait_in_view(pg, "#nf-korrektur")  # the answer comes into view after asking
    shot(pg, f"{pg.nf_name}-typo-notice.png", full_page=False)
    notice.get_by_role("button", name=f"Stattdessen nach „{TYPO}“ suchen").click()
    pg.wait_for_function("() => !document.querySelector('#nf-korrektur .nf-korrektur')")
    assert "Flughafn" in pg.locator("#nf-status").inner_text()
    assert pg.get_by_label("Ihre Frage").input_value() == TYPO


def test_turkish_question_turns_the_page_turkish(servers, any_page) -> None:
    pg = any_page
    pg.goto(str(servers["url"]))
    ask(pg, "Havalimanı ile ilgili ne yapmayı planlıyorsunuz?")
    pg.get_by_label("Sorunuz").wait_for()
    pg.locator(CARD).first.wait_for()
    assert pg.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == ["tr", "ltr"]
    assert pg.get_by_role("button", name="Sor", exact=True).count() == 1
    assert pg.get_by_role("tab", name="Konulara göre program").count() == 1
    assert "Program yalnızca Almanca mevcuttur" in pg.locator("#nf-ergebnisse").inner_text()
    assert pg.locator(f"{CARD} .nf-satz").first.get_attribute("lang") == "de"  # pledges stay German
    assert "Sonuç 1" in pg.locator(CARD).first.inner_text()
    assert pg.get_by_text("Use via API").count() == 0  # Gradio's English footer link is gone
    shot(pg, f"{pg.nf_name}-turkish.png", full_page=False)
    # The switch goes back to German, and then a Turkish question no longer changes it.
    pg.get_by_label("Sayfa dili").click()
    pg.get_by_role("option", name="Deutsch").click()
    pg.get_by_label("Ihre Frage").wait_for()
    ask(pg, "Otobüsler daha sık gelecek mi?")
    pg.wait_for_function("() => document.querySelector('#nf-status').innerText.includes('Otobüsler')")
    assert pg.get_by_label("Ihre Frage").count() == 1


def test_arabic_question_turns_the_page_right_to_left(servers, any_page) -> None:
    pg = any_page
    pg.goto(str(servers["url"]))
    ask(pg, "ماذا ستفعلون بالمطار في دورتموند؟")
    pg.get_by_label("سؤالك").wait_for()
    pg.locator(CARD).first.wait_for()
    assert pg.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    sentence = pg.locator(f"{CARD} .nf-satz").first
    assert sentence.evaluate("(e) => getComputedStyle(e).direction") == "ltr"  # German reads left to right
    assert pg.locator("#nf-status").evaluate("(e) => getComputedStyle(e).direction") == "rtl"
    width = pg.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"page scrolls sideways: {width}"
    shot(pg, f"{pg.nf_name}-arabic.png", full_page=False)


def test_permalink_opens_the_pledge_in_its_source_view(servers, any_page) -> None:
    pg = any_page
    pg.goto(str(servers["url"]) + "?p=wahlprogramm-2025:3055")
    focus = pg.locator("#nf-thema li.nf-fokus")
    focus.wait_for()
    assert focus.get_attribute("data-pledge") == "wahlprogramm-2025:3055"
    assert pg.get_by_role("tab", name="Programm nach Themen").get_attribute("aria-selected") == "true"
    view = focus.locator("details.nf-quelle[open]")
    assert view.count() == 1
    assert view.locator("tr.nf-zitiert th").first.inner_text() == "3055"
    wait_in_view(pg, "#nf-thema li.nf-fokus")
    assert "Mobilität › Flughafen" in pg.locator("#nf-thema h2").inner_text()
    shot(pg, f"{pg.nf_name}-permalink.png", full_page=False)
    link = focus.locator(".nf-permalink a").get_attribute("href")
    assert link == "?p=wahlprogramm-2025:3055"


@pytest.mark.xfail(reason="after a chapter change the A4 sheet printed 2 pledges while the tab showed 10 "
                          "(the previous section? seen 2026-12-07 after the topic tab began opening on the first "
                          "section); open, see the closing note", strict=False)
def test_section_print_view_opens_the_print_dialog(servers, page) -> None:
    pg = page
    pg.goto(str(servers["url"]))
    pg.wait_for_function("() => document.documentElement.dataset.nfReady === '1'")
    pg.get_by_role("tab", name="Programm nach Themen").click()
    pg.locator("#nf-thema-kapitel input").click()
    pg.get_by_role("option", name="Mobilität", exact=True).click()
    # the tab opens on the first section: wait until the chosen chapter's section is shown
    pg.wait_for_function("() => { const i = document.querySelector('#nf-thema-abschnitt input');"
                         " return i && i.value && i.value !== 'Vorwort'; }")
    pg.wait_for_timeout(1500)  # its cards replace the first section's
    pg.locator("#nf-thema li.nf-karte").first.wait_for()
    shown = pg.locator("#nf-thema li.nf-karte").count()
    pg.get_by_role("button", name="Abschnitt drucken (A4)").click()
    pg.wait_for_function("() => window.__printed === 1")
    sheet = pg.evaluate("() => document.getElementById('nf-druckrahmen').srcdoc")
    assert "@page{size:A4" in sheet and "<script" not in sheet
    assert sheet.count("<li>") == shown
    assert re.search(r"Erstellt: \d\d\.\d\d\.\d{4}, \d\d:\d\d", sheet) and "UTC" not in sheet
    printable = pg.context.new_page()
    printable.set_content(sheet)
    printable.emulate_media(media="print")
    ARTIFACTS.mkdir(exist_ok=True)
    printable.screenshot(path=str(ARTIFACTS / "topic-sheet-print.png"), full_page=True)
    printable.pdf(path=str(ARTIFACTS / "topic-sheet.pdf"), format="A4")
    printable.close()
    # The answer's own print button too.
    pg.get_by_role("tab", name="Fragen").click()
    ask(pg, "Flughafen")
    pg.locator(CARD).first.wait_for()
    pg.get_by_role("button", name="Drucken", exact=True).click()
    pg.wait_for_function("() => window.__printed === 2")
    assert "Haustür-Antwort" in pg.evaluate("() => document.getElementById('nf-druckrahmen').srcdoc")


def test_phone_scrolls_to_the_answer_and_announces_it(servers, browser) -> None:
    context = browser.new_context(viewport=PHONE, locale="de-DE", is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    try:
        pg.goto(str(servers["url"]))
        pg.get_by_role("button", name="Fragen", exact=True).first.wait_for()
        assert pg.evaluate("() => window.scrollY") == 0
        pg.get_by_role("button", name="Was ist für bezahlbares Wohnen geplant?").click()
        pg.locator(CARD).first.wait_for()
        pg.wait_for_function("() => { const r = document.querySelector('#nf-status').getBoundingClientRect();"
                             " return r.top >= 0 && r.top < window.innerHeight * 0.6; }")
        assert pg.evaluate("() => window.scrollY") > 200
        assert pg.locator("#nf-status [aria-live=polite]").count() == 1
        widths = pg.evaluate("() => Array.from(document.querySelectorAll('#nf-beispiele button'))"
                             ".map((b) => Math.round(b.getBoundingClientRect().width))")
        assert len(set(widths)) == 1, f"example buttons differ in width: {widths}"
        shot(pg, "phone-scrolled-answer.png", full_page=False)
    finally:
        context.close()


def test_one_vote_per_person_question_and_pledge(servers, page) -> None:
    pg = page
    pg.goto(str(servers["url"]))
    ask(pg, "Ehrenamtsfonds weiter aufstocken")
    first = pg.locator(CARD).first
    first.wait_for()
    note = first.locator(".nf-feedback-antwort")  # the thanks stand beside the buttons
    first.get_by_role("button", name="Hilfreich", exact=True).click()
    note.get_by_text("Danke für Ihre Rückmeldung zu Ergebnis 1!").wait_for()
    first.get_by_role("button", name="Hilfreich", exact=True).click()
    first.get_by_role("button", name="Nicht hilfreich", exact=True).click()
    note.get_by_text("Ihre Rückmeldung zu Ergebnis 1 ist geändert.").wait_for()
    pressed = first.locator("button.nf-vote[aria-pressed=true]")
    assert pressed.inner_text() == "Nicht hilfreich"
    colours = first.locator("button.nf-vote").evaluate_all("(bs) => bs.map((b) => getComputedStyle(b).backgroundColor)")
    shot(pg, "desktop-vote-changed.png", full_page=False)
    assert pg.locator(".toast-body").count() == 0  # no toast covering the results
    store = servers["store"]  # type: ignore[index]
    rows = sqlite3.connect(store.path).execute(  # type: ignore[attr-defined]
        "SELECT vote, voter, chapter, model FROM feedback WHERE question = ? AND pledge_id = ?",
        ("Ehrenamtsfonds weiter aufstocken", "wahlprogramm-2025:3679")).fetchall()
    assert len(rows) == 1 and rows[0][0] == "unhelpful" and len(rows[0][1]) >= 8 and rows[0][3], rows
    assert colours[1] != "rgb(220, 252, 231)", colours  # "Nicht hilfreich" is not in the green


def test_keyboard_in_the_chapter_list(servers, page) -> None:
    pg = page
    pg.goto(str(servers["url"]))
    pg.wait_for_function("() => document.documentElement.dataset.nfReady === '1'")
    box = pg.get_by_label("Ihre Frage")
    box.focus()
    pg.keyboard.press("Tab")
    chapter = pg.get_by_role("combobox", name="Kapitel")
    assert chapter.evaluate("(e) => e === document.activeElement")
    pg.keyboard.type("Sp")
    pg.wait_for_function("() => document.querySelector('#nf-kapitel input').value === 'Sport'")
    assert chapter.evaluate("(e) => e === document.activeElement")
    pg.keyboard.press("Tab")
    assert pg.evaluate("() => document.activeElement.id") == "nf-fragen"  # no dead stop in between
    pg.wait_for_function("() => document.querySelectorAll('#nf-kapitel [role=option]').length === 0")


def test_nothing_in_the_programme_has_nothing_to_copy_or_download(servers, page) -> None:
    pg = page
    pg.goto(str(servers["abstain_url"]))
    ask(pg, "Wie wird das Wetter morgen in Dortmund?")
    pg.locator("#nf-ergebnisse .nf-keine-antwort").wait_for()
    assert pg.locator("#nf-haustuer button").count() == 0
    assert not pg.locator("#nf-export-md").is_visible() and not pg.locator("#nf-drucken").is_visible()


def test_nearest_is_shown_as_not_an_answer(servers, page) -> None:
    """The outcome "nearest": the page says once that the programme has nothing directly on it
    and shows the nearest pledges, marked as such – and they can be copied and printed (a
    canvasser takes them to the door)."""
    pg = page
    pg.goto(str(servers["nearest_url"]))
    ask(pg, "Wird der Flughafen zum Freizeitpark?")
    view = pg.locator('#nf-ergebnisse .nf-keine-antwort[data-nf-outcome="nearest"]')
    view.wait_for()
    intro = "Direkt steht dazu nichts im Programm"
    assert "Nächstliegende Stellen (keine Antwort auf Ihre Frage)" in view.inner_text()
    assert "Nächstliegende Stelle 1" in view.inner_text()
    box = pg.locator("#nf-haustuer")
    assert intro in box.inner_text() and "Wahlprogramm 2025, Z." in box.inner_text()
    assert pg.locator("#nf-antwort").inner_text().count(intro) == 1
    box.get_by_role("button", name="Stellen kopieren").click()
    copied = pg.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith(intro) and "Wahlprogramm 2025, Z." in copied
    pg.locator("#nf-drucken").click()
    pg.wait_for_function("() => window.__printed === 1")
    assert intro in pg.evaluate("() => document.getElementById('nf-druckrahmen').srcdoc")
    shot(pg, "desktop-nearest.png")


def test_long_paste_is_cut_and_said(servers, page) -> None:
    pg = page
    pg.goto(str(servers["url"]))
    ask(pg, "Flughafen " * 500)  # 5 000 characters
    notice = pg.locator("#nf-korrektur .nf-notiz")
    notice.wait_for()
    assert "länger als 1000 Zeichen" in notice.inner_text()
    assert pg.get_by_label("Ihre Frage").input_value() == ("Flughafen " * 500)[:1000]
    pg.locator(CARD).first.wait_for()


def test_a_full_queue_is_said_in_german(fake_index, browser, tmp_path: Path) -> None:
    import time

    from fakes import FakeEmbedder

    import app
    from browsing import serve
    from qa.pipeline import QA
    from ui.config import AppConfig
    from ui.source import load_sources

    class SlowQA(QA):
        def complete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            time.sleep(3.0)  # every encoder pass takes 3 s (the page asks through the batcher)
            return super().complete(*args, **kwargs)

    from ui.feedback import open_feedback

    demo = app.build_demo(SlowQA(fake_index, FakeEmbedder()), open_feedback(tmp_path), load_sources(ROOT_CORPUS),
                          AppConfig(concurrency=1, queue_size=1))
    url = serve(demo)
    context = browser.new_context(viewport=DESKTOP, locale="de-DE")
    try:
        pages = [context.new_page() for _ in range(4)]
        for pg in pages:
            pg.set_default_timeout(TIMEOUT_MS)
            pg.goto(url)
            pg.wait_for_function("() => document.documentElement.dataset.nfReady === '1'")
        for pg in pages:
            ask(pg, "Flughafen")
        busy: list = []
        for _ in range(40):  # the refusals come within a few seconds
            busy = [pg for pg in pages if pg.locator(".toast-body").count()]
            if busy:
                break
            pages[0].wait_for_timeout(250)
        assert busy, "with one worker and one place in the queue, someone must be told to wait"
        text = busy[0].locator(".toast-body").first.inner_text()
        busy[0].wait_for_timeout(800)  # the toast slides in
        shot(busy[0], "desktop-queue-full.png", full_page=False)
        badges = busy[0].locator("[data-testid=status-tracker] .error").filter(visible=True)
        assert badges.count() == 0  # said once in the toast, not with a red badge on every component
        assert "Gerade sind sehr viele Anfragen – bitte gleich noch einmal." in text, text
        assert "Einen Moment, bitte" in text, text
        assert not re.search(r"queue is full|currently busy|\bError\b", text, re.IGNORECASE), text
    finally:
        context.close()
        demo.close()
