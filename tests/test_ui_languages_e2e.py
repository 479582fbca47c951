"""Issue 19 in a real browser (Chromium), desktop and phone: a Turkish page (examples, citations,
reload keeps the language), the Arabic share link and language switch, the topic tab's first
screen, printing with nothing chosen, the thanks beside the vote buttons. Screenshots go to
test-artifacts/ (ui19-*.png).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from browsing import (CHROMIUM, COUNT_PRINTS, DESKTOP, PHONE, TIMEOUT_MS, any_page, ask, browser, page,  # noqa: F401
                      servers, shot)

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

CARD = "#nf-ergebnisse li.nf-karte"
LOADED = "() => document.documentElement.dataset.nfLoaded === '1'"


def test_turkish_page_examples_citations_and_reload(servers, any_page) -> None:
    pg = any_page
    pg.goto(str(servers["url"]) + "?lang=tr")
    pg.wait_for_function(LOADED)
    examples = pg.locator("#nf-beispiele")
    examples.get_by_text("Dortmund Havalimanı'na ne olacak?").wait_for()
    assert "Flughafen" not in examples.inner_text()  # no German example on a Turkish page
    examples.get_by_text("Dortmund Havalimanı'na ne olacak?").click()
    pg.locator(CARD).first.wait_for()
    assert pg.get_by_label("Sorunuz").input_value() == "Dortmund Havalimanı'na ne olacak?"
    chips = pg.locator(f"{CARD} ul.nf-fundstellen").first.inner_text()
    assert "satır" in chips and "Z." not in chips
    assert "satır" in pg.locator("#nf-haustuer").inner_text()
    pg.wait_for_function("() => new URL(location.href).searchParams.get('lang') === 'tr'")
    shot(pg, f"ui19-{pg.nf_name}-turkish.png", full_page=False)
    pg.reload()
    pg.wait_for_function(LOADED)
    pg.get_by_label("Sorunuz").wait_for()  # still Turkish after a reload
    pg.locator(CARD).first.wait_for()
    assert pg.evaluate("() => document.documentElement.lang") == "tr"


def test_arabic_share_link_and_language_switch(servers, any_page) -> None:
    pg = any_page
    pg.goto(str(servers["url"]))
    ask(pg, "ماذا ستفعلون بالمطار في دورتموند؟")
    pg.locator(CARD).first.wait_for()
    link = pg.locator("#nf-share-link")
    assert link.get_attribute("dir") == "ltr" and "lang=ar" in (link.get_attribute("href") or "")
    assert link.evaluate("(e) => getComputedStyle(e).direction") == "ltr"
    assert link.inner_text().startswith("127.0.0.1:")  # not scrambled by the right-to-left page
    chip = pg.locator(f"{CARD} ul.nf-fundstellen li").first
    assert "سطر" in chip.inner_text()
    # the switch's selected text is not under its arrow
    box = pg.locator("#nf-sprache input")
    gap = box.evaluate("""(input) => {
      const wrap = input.closest('.wrap-inner') || input.parentElement;
      const icon = wrap.parentElement.querySelector('.icon-wrap, svg');
      if (!icon) return 999;
      const r = input.getBoundingClientRect(), i = icon.getBoundingClientRect();
      const textWidth = (() => { const c = document.createElement('canvas').getContext('2d');
        c.font = getComputedStyle(input).font; return c.measureText(input.value).width; })();
      const align = getComputedStyle(input).textAlign;
      const cs = getComputedStyle(input);
      const left = (align === 'right' || align === 'end') ? r.right - parseFloat(cs.paddingRight) - textWidth
        : r.left + parseFloat(cs.paddingLeft);
      const right = left + textWidth;
      return Math.min(Math.abs(i.left - right), Math.abs(left - i.right)) * ((i.left >= right || i.right <= left) ? 1 : -1);
    }""")
    assert gap >= 0, f"the arrow covers the chosen language ({gap})"
    shot(pg, f"ui19-{pg.nf_name}-arabic.png", full_page=False)
    pg.locator("#nf-teilen").scroll_into_view_if_needed()
    shot(pg, f"ui19-{pg.nf_name}-arabic-share.png", full_page=False)
    # the reader switches to Polish: the link follows, and a reload keeps Polish
    pg.locator("#nf-sprache input").click()
    pg.get_by_role("option", name="Polski").click()
    pg.get_by_label("Twoje pytanie").wait_for()
    pg.wait_for_function("() => (document.querySelector('#nf-share-link') || {}).href.includes('lang=pl')")
    pg.reload()
    pg.wait_for_function(LOADED)
    pg.get_by_label("Twoje pytanie").wait_for()


def test_topic_tab_opens_on_the_first_section(servers, any_page) -> None:
    pg = any_page
    pg.goto(str(servers["url"]))
    pg.wait_for_function(LOADED)
    pg.get_by_role("tab", name="Programm nach Themen").click()
    sheet = pg.locator("#nf-thema li.nf-karte").first
    sheet.wait_for()
    assert pg.locator("#nf-thema-kapitel input").input_value() == "Einleitung"
    assert pg.locator("#nf-thema-abschnitt input").input_value()
    assert "Alle Stellen eines Abschnitts" in pg.locator("#nf-thema-intro").inner_text()
    shot(pg, f"ui19-{pg.nf_name}-topics-first.png", full_page=False)
    pg.locator("#nf-thema-drucken").click()
    pg.wait_for_function("() => (window.__printed || 0) >= 1")


def test_printing_a_section_never_reads_a_raw_key(servers, page) -> None:  # noqa: F811
    """Gradio's screen-reader region said "common.complete" after the print button; now nothing raw.
    (With the first section shown from the start, "nothing chosen" cannot be clicked any more; its
    note is tested in test_ui_languages.)"""
    pg = page
    pg.goto(str(servers["url"]))
    pg.wait_for_function(LOADED)
    pg.get_by_role("tab", name="Programm nach Themen").click()
    pg.locator("#nf-thema li.nf-karte").first.wait_for()
    pg.evaluate("() => { window.__said = []; new MutationObserver(() => document.querySelectorAll("
                "'.sr-only[role=\"status\"], [aria-live]').forEach((e) => window.__said.push(e.textContent || '')))"
                ".observe(document.body, {subtree: true, childList: true, characterData: true}); }")
    pg.locator("#nf-thema-drucken").click()
    pg.wait_for_function("() => (window.__printed || 0) >= 1")
    pg.wait_for_timeout(6000)  # Gradio announces at most every 5 s
    said = " ".join(pg.evaluate("() => window.__said"))
    assert "common." not in said and "complete" not in said
    assert all("common." not in t for t in pg.locator(".sr-only").all_inner_texts())


def test_vote_thanks_stand_beside_the_buttons(servers, any_page) -> None:
    pg = any_page
    pg.goto(str(servers["url"]))
    ask(pg, "Was passiert mit dem Flughafen?")
    card = pg.locator(CARD).first
    card.wait_for()
    button = card.locator("button.nf-vote-ja")
    button.scroll_into_view_if_needed()
    button.click()
    thanks = card.locator(".nf-feedback-antwort")
    pg.wait_for_function("(e) => e.textContent.includes('Danke')", arg=thanks.element_handle())
    assert pg.locator("#nf-rueckmeldung").is_hidden()  # no toast over the buttons
    shot(pg, f"ui19-{pg.nf_name}-vote-thanks.png", full_page=False)
    b, t = button.bounding_box(), thanks.bounding_box()
    assert b and t and -10 < t["y"] - b["y"] < b["height"] + 80  # beside the buttons or just below them
