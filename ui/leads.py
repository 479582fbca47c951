"""Where a question leads on: why the programme has nothing on it, similar questions it does
answer, and the chapters that speak of it when the chosen one does not (pure HTML).

A similar question or "search all chapters" is a button carrying the question to ask
(`data-nf-ask`); the results' page script turns a click into one new question in all
chapters (ui/scripts.ASK_NEXT_JS). Bank questions keep their own language (`lang`).
"""
from __future__ import annotations

from collections.abc import Sequence

from qa.bank import BankNeighbour
from qa.types import Answer, Hit
from qa.wording import citations_words
from ui.i18n import Texts
from ui.markup import GERMAN, esc
from ui.texts import DE

SIMILAR_MIN = 3  # under an answer: fewer than this and no list is shown
SIMILAR_MAX = 5


def reason_text(reason: str, t: Texts = DE) -> str:
    """The page's sentence for a reason of qa.bank.REASONS ("" for none or an unknown one)."""
    return {
        "federal_state": t.reason_federal_state,
        "people_party": t.reason_people_party,
        "other_city": t.reason_other_city,
        "chitchat": t.reason_chitchat,
    }.get(reason, "")


def render_reason(answer: Answer, t: Texts = DE) -> str:
    """The reason line under "nothing"/"nearest" ("" without a reason)."""
    text = reason_text(answer.reason, t) if answer.abstained and not answer.error else ""
    return f'<p class="nf-grund" data-nf-reason="{esc(answer.reason)}">{esc(text)}</p>' if text else ""


def ask_button(question: str, lang: str, css: str = "nf-folgefrage", label: str = "") -> str:
    """A button that asks `question` in all chapters (its text is `label`, else the question)."""
    shown = f' lang="{esc(lang)}" dir="auto"' if lang else ""
    return (f'<button type="button" class="{css}" data-nf-ask="{esc(question)}"{shown}>'
            f"{esc(label or question)}</button>")


def render_similar(answer: Answer, t: Texts = DE) -> str:
    """"Ähnliche Fragen" under an answer (3–5 of them), "Dazu steht etwas im Programm:" under
    "nearest"/"nothing" (any number up to 5); "" when there are too few."""
    if answer.error:
        return ""
    similar: Sequence[BankNeighbour] = answer.similar[:SIMILAR_MAX]
    if not similar or (not answer.abstained and len(similar) < SIMILAR_MIN):
        return ""
    heading = t.similar_answered_heading if answer.abstained else t.similar_heading
    items = "".join(f"<li>{ask_button(n.entry.question, n.entry.lang)}</li>" for n in similar)
    return (f'<nav class="nf-aehnlich" aria-labelledby="nf-aehnlich-titel">'
            f'<h3 id="nf-aehnlich-titel">{esc(heading)}</h3><ul>{items}</ul></nav>')


def by_chapter(hits: Sequence[Hit]) -> dict[str, list[Hit]]:
    """Hits grouped by chapter, chapters in the order of their best hit."""
    groups: dict[str, list[Hit]] = {}
    for h in hits:
        groups.setdefault(h.pledge.chapter, []).append(h)
    return groups


def in_chapter(template: str, chapter: str) -> str:
    """`template` with {chapter} filled in as German words (escaped)."""
    before, _, after = template.partition("{chapter}")
    return f"{esc(before)}<span {GERMAN}>{esc(chapter)}</span>{esc(after)}"


def render_elsewhere(answer: Answer, chapter: str, t: Texts = DE) -> str:
    """With a chapter filter and no answer there: "Im Kapitel Sport steht dazu nichts. Im
    Kapitel Mobilität: …" and one button to ask in all chapters ("" otherwise)."""
    if answer.error or not answer.abstained or not chapter or not answer.elsewhere:
        return ""
    parts = [f'<section class="nf-anderswo" aria-labelledby="nf-anderswo-titel">'
             f'<h3 id="nf-anderswo-titel">{in_chapter(t.elsewhere_none, chapter)}</h3>']
    for name, hits in by_chapter(answer.elsewhere).items():
        items = "".join(f'<li {GERMAN}>{esc(h.pledge.sentence)} <span class="nf-zitat">'
                        f"({esc(citations_words(h.pledge.citations, t.line_abbreviation))})</span></li>" for h in hits)
        parts.append(f"<p>{in_chapter(t.elsewhere_chapter, name)}</p><ul>{items}</ul>")
    parts.append(ask_button(answer.question, "", "nf-alle-kapitel", t.search_all_chapters))
    parts.append("</section>")
    return "".join(parts)
