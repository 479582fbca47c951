"""Issue 17 in a real browser (Debian's Chromium via Playwright), desktop and phone: the reason
for "nothing" in German and in Arabic, one click on a similar question, "nothing in this
chapter" with one click to all chapters, and "Häufige Fragen" in the topic tab and its print
view. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from browsing import (CHROMIUM, DESKTOP, TIMEOUT_MS, any_page, ask, browser, page, servers,  # noqa: F401
                      shot, wait_for_new_results)
from ui.i18n import texts_for

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


def test_nothing_says_why_in_german(servers, any_page) -> None:
    pg = any_page
    pg.goto(str(servers["abstain_url"]))
    ask(pg, "Wer ist Bürgermeister?")
    reason = pg.locator('#nf-ergebnisse .nf-grund[data-nf-reason="people_party"]')
    reason.wait_for()
    assert reason.inner_text() == "Das Programm enthält Vorhaben, keine Angaben zu Personen oder zur Partei."
    assert "Das Programm enthält Vorhaben" in pg.locator("#nf-haustuer").inner_text()
    leads = pg.locator("#nf-ergebnisse .nf-aehnlich")
    assert "Dazu steht etwas im Programm:" in leads.inner_text() and leads.locator("button").count() >= 1
    reason.scroll_into_view_if_needed()
    shot(pg, f"{pg.nf_name}-reason-de.png", full_page=False)


def test_nothing_says_why_in_arabic(servers, any_page) -> None:
    pg = any_page
    ar = texts_for("ar")
    pg.goto(str(servers["abstain_url"]))
    ask(pg, "هل سيتم ترحيل السوريين من ألمانيا؟")
    reason = pg.locator('#nf-ergebnisse .nf-grund[data-nf-reason="federal_state"]')
    reason.wait_for()
    assert pg.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert reason.inner_text() == ar.reason_federal_state
    assert ar.reason_federal_state in pg.locator("#nf-haustuer").inner_text()
    assert ar.similar_answered_heading in pg.locator("#nf-ergebnisse .nf-aehnlich").inner_text()
    assert "federal_state" not in pg.locator("#nf-antwort").inner_text()  # no raw key on the page
    pg.locator("#nf-haustuer").scroll_into_view_if_needed()
    shot(pg, f"{pg.nf_name}-reason-ar.png", full_page=False)


def test_a_similar_question_is_asked_in_one_click(servers, any_page) -> None:
    pg = any_page
    pg.goto(str(servers["url"]))
    ask(pg, "Was passiert mit dem Flughafen?")
    similar = pg.locator("#nf-ergebnisse .nf-aehnlich")
    similar.wait_for()
    assert "Ähnliche Fragen" in similar.inner_text()
    buttons = similar.locator("button.nf-folgefrage")
    assert 3 <= buttons.count() <= 5
    similar.scroll_into_view_if_needed()
    shot(pg, f"{pg.nf_name}-similar.png", full_page=False)
    chosen = buttons.nth(1).get_attribute("data-nf-ask")
    assert chosen and chosen != "Was passiert mit dem Flughafen?"
    old = pg.locator("#nf-status").inner_text()
    buttons.nth(1).click()
    wait_for_new_results(pg, old)
    pg.wait_for_function("(q) => { const s = document.querySelector('#nf-status');"
                         " return s && s.innerText.includes(q) && !s.innerText.includes('processing'); }", arg=chosen)
    assert pg.get_by_label("Ihre Frage").input_value() == chosen
    pg.wait_for_function("(q) => new URL(location.href).searchParams.get('q') === q", arg=chosen)


def test_nothing_in_this_chapter_and_one_click_to_all(fake_index, browser, tmp_path: Path) -> None:
    from browsing import make_app, serve
    from fakes import FakeEmbedder
    from qa.abstain import AbstentionModel
    from qa.pipeline import QA

    question = "Was plant ihr zum Flughafen?"
    probe = QA(fake_index, FakeEmbedder())
    z_all = probe.search(question, 5).evidence.as_dict()["dense_z"]
    z_sport = probe.search(question, 5, "Sport").evidence.as_dict()["dense_z"]
    model = AbstentionModel((4.0,), 0.0, ((z_all + z_sport) / 2,), (1.0,), threshold=0.5, features=("dense_z",),
                            nothing_threshold=0.01)
    demo, _ = make_app(fake_index, tmp_path, abstain=True, model=model)
    url = serve(demo)
    context = browser.new_context(viewport=DESKTOP, locale="de-DE")
    try:
        pg = context.new_page()
        pg.set_default_timeout(TIMEOUT_MS)
        pg.goto(f"{url}?q={quote(question)}&kapitel=Sport")
        block = pg.locator("#nf-ergebnisse .nf-anderswo")
        block.wait_for()
        text = block.inner_text()
        assert "Im Kapitel Sport steht dazu nichts." in text and "Im Kapitel Mobilität:" in text
        block.scroll_into_view_if_needed()
        shot(pg, "desktop-elsewhere.png", full_page=False)
        old = pg.locator("#nf-status").inner_text()
        block.get_by_role("button", name="In allen Kapiteln suchen").click()
        wait_for_new_results(pg, old)
        pg.locator("#nf-ergebnisse li.nf-karte").first.wait_for()
        assert pg.locator("#nf-ergebnisse .nf-keine-antwort").count() == 0
        assert pg.locator("#nf-kapitel input").input_value() == "Alle Kapitel"
        pg.wait_for_function("() => !new URL(location.href).searchParams.get('kapitel')")
    finally:
        context.close()
        demo.close()


def test_topic_sheet_has_its_frequent_questions_on_screen_and_in_print(servers, any_page) -> None:
    pg = any_page
    pg.goto(str(servers["url"]) + "?p=wahlprogramm-2025:3055")
    faq = pg.locator("#nf-thema .nf-faq")
    faq.wait_for()
    assert "Häufige Fragen" in faq.inner_text() and faq.locator("li").count() >= 3
    first_link = faq.locator("a").first
    target = first_link.get_attribute("href")
    assert target and target.startswith("#nf-stelle-") and pg.locator(target).count() == 1
    pg.wait_for_timeout(900)  # the permalink's own scroll to its pledge comes first
    faq.scroll_into_view_if_needed()
    shot(pg, f"{pg.nf_name}-faq.png", full_page=False)
    pg.get_by_role("button", name="Abschnitt drucken (A4)").click()
    pg.wait_for_function("() => window.__printed === 1")
    sheet = pg.evaluate("() => document.getElementById('nf-druckrahmen').srcdoc")
    assert "<h3 class=\"faq\">Häufige Fragen</h3>" in sheet and "Wahlprogramm 2025, Z." in sheet
    question = faq.locator(".nf-faq-frage").first.inner_text()
    assert question in sheet
    if pg.nf_name == "desktop":
        printable = pg.context.new_page()
        printable.set_content(sheet)
        printable.emulate_media(media="print")
        shot(printable, "desktop-faq-print.png")
        printable.close()
