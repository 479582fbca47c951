"""Answers as HTML for the page: result cards, the no-answer view, errors and notes (pure).

Every piece of question or corpus text goes through `html.escape` here, so a question like
`<script>…</script>` is shown as text and never becomes markup. The only markup in the output
is the fixed skeleton written below. Page texts come from a catalogue (`t`, German by
default); the programme's own words are marked `lang="de" dir="ltr"` so they read right on an
Arabic (right-to-left) page and screen readers pick a German voice for them.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from index.sources.pledge import Citation, LeadIn
from qa.answer import nearest_topics
from qa.types import Answer, Hit
from ui.i18n import Texts
from ui.share import permalink, readable_link
from ui.source import DEFAULT_CONTEXT, render_source_view
from ui.texts import DE
from qa.wording import citation_words, citations_words, doorstep_hits, doorstep_sentences

GERMAN = 'lang="de" dir="ltr"'
LeadIns = Callable[[Citation], "LeadIn | None"]  # the lead-in that belongs to a citation


def esc(text: object) -> str:
    """HTML-escape any value for element content and quoted attributes."""
    return html.escape(str(text), quote=True)


def render_answer(answer: Answer, sources: dict[str, list[str]], context: int = DEFAULT_CONTEXT,
                  t: Texts = DE) -> str:
    """The results area for one answer: cards, or the no-answer view ("" for an error)."""
    if answer.error:
        return ""
    if answer.abstained:
        return render_no_answer(answer, sources, context, t)
    if not answer.hits:
        return (f'<section class="nf-ergebnisse"><h2>{esc(t.results_heading)}</h2>'
                f"<p>{esc(t.no_hits)}</p></section>")
    return (
        '<section class="nf-ergebnisse" aria-labelledby="nf-ergebnisse-titel">'
        f'<h2 id="nf-ergebnisse-titel">{esc(t.results_heading)}</h2>'
        f'<p class="nf-intro">{esc(t.results_intro)}</p>{render_german_only(t)}'
        f"{render_cards(answer.hits, sources, t.result_label, 3, context, t)}</section>"
    )


def render_german_only(t: Texts) -> str:
    """The one line saying the programme exists only in German ("" on the German page)."""
    return f'<p class="nf-nur-deutsch">{esc(t.german_only)}</p>' if t.german_only else ""


def render_no_answer(answer: Answer, sources: dict[str, list[str]], context: int = DEFAULT_CONTEXT,
                     t: Texts = DE) -> str:
    """"Dazu steht nichts im Programm." (outcome "nothing") or "Direkt steht dazu nichts im
    Programm; am nächsten kommt:" (outcome "nearest"), with the nearest topics and passages,
    labelled as not an answer."""
    topics = nearest_topics(answer.hits)
    nearest = answer.outcome == "nearest"
    parts = [
        f'<section class="nf-keine-antwort" data-nf-outcome="{esc(answer.outcome)}" aria-labelledby="nf-keine-antwort-titel">',
        f'<h2 id="nf-keine-antwort-titel">{esc(t.nearest_intro if nearest else t.no_answer)}</h2>',
        f'<p class="nf-intro">{esc(t.no_answer_hint)}</p>{render_german_only(t)}',
    ]
    if topics:
        items = "".join(f"<li {GERMAN}>{esc(topic)}</li>" for topic in topics)
        parts.append(f"<h3>{esc(t.nearest_topics_heading)}</h3><ul class=\"nf-themen\">{items}</ul>")
    if answer.hits:
        parts.append(f"<h3>{esc(t.nearest_passages_heading)}</h3>")
        parts.append(render_cards(answer.hits, sources, t.nearest_label, 4, context, t))
    parts.append("</section>")
    return "".join(parts)


def render_cards(hits: Sequence[Hit], sources: dict[str, list[str]], label: str, level: int,
                 context: int = DEFAULT_CONTEXT, t: Texts = DE) -> str:
    """An ordered list of result cards; `label` names each ("Ergebnis 1"), `level` its heading."""
    cards = "".join(render_card(hit, rank, sources, label, level, context, t) for rank, hit in enumerate(hits, 1))
    return f'<ol class="nf-karten">{cards}</ol>'


def render_card(hit: Hit, rank: int, sources: dict[str, list[str]], label: str = DE.result_label,
                level: int = 3, context: int = DEFAULT_CONTEXT, t: Texts = DE) -> str:
    """One result: the pledge as a sentence, its section, its citations, source views, feedback."""
    pledge = hit.pledge
    title_id = f"nf-treffer-{rank}-titel"
    section = f'<span class="nf-abschnitt" {GERMAN}>{esc(pledge.section)}</span>' if pledge.section else ""
    return (
        f'<li class="nf-karte" id="nf-treffer-{rank}" data-pledge="{esc(pledge.id)}">'
        f'<article aria-labelledby="{title_id}">'
        f'<h{level} class="nf-karte-titel" id="{title_id}">'
        f'<span class="nf-rang">{esc(label)} {rank}</span>{section}</h{level}>'
        f'<p class="nf-satz" {GERMAN}>{esc(pledge.sentence)}</p>'
        f"{render_citations(pledge.citations, t, pledge.lead_in_for)}"
        f"{render_source_views(pledge.citations, sources, context, t, lead_ins=pledge.lead_in_for)}"
        f'<p class="nf-permalink"><a href="{esc(permalink(pledge.id))}">{esc(t.permalink_label)}</a></p>'
        f"{render_feedback_buttons(rank, label, t)}</article></li>"
    )


def render_citations(citations: Sequence[object], t: Texts = DE, lead_ins: LeadIns | None = None) -> str:
    """The citation chips ("Wahlprogramm 2025, Z. 3679"; with the lead-in's lines "Z. 405, 409–411")."""
    lead = lead_ins or (lambda c: None)
    items = "".join(f"<li>{esc(citation_words(c, lead(c)))}</li>" for c in citations)  # type: ignore[arg-type]
    return f'<ul class="nf-fundstellen" {GERMAN} aria-label="{esc(t.export_sources)}">{items}</ul>'


def render_source_views(citations: Sequence[object], sources: dict[str, list[str]], context: int = DEFAULT_CONTEXT,
                        t: Texts = DE, open_first: bool = False, lead_ins: LeadIns | None = None) -> str:
    """One collapsible source view per citation ("Im Programm nachlesen: …"), the lead-in's
    lines marked too."""
    lead = lead_ins or (lambda c: None)
    return "".join(
        f'<details class="nf-quelle"{" open" if open_first and i == 0 else ""}>'
        f"<summary>{esc(t.source_view_summary)}: <span {GERMAN}>{esc(citation_words(c, lead(c)))}</span></summary>"  # type: ignore[arg-type]
        f"{render_source_view(sources, c, context, t, lead(c))}</details>"  # type: ignore[arg-type]
        for i, c in enumerate(citations)
    )


def render_feedback_buttons(rank: int, label: str = DE.result_label, t: Texts = DE) -> str:
    """Two buttons per card; the page script turns a click into a feedback event (rank, vote)."""
    return (
        f'<div class="nf-feedback" role="group" aria-label="{esc(t.feedback_question)} ({esc(label)} {rank})">'
        f'<span class="nf-feedback-frage" aria-hidden="true">{esc(t.feedback_question)}</span>'
        f'<button type="button" class="nf-vote nf-vote-ja" data-nf-rank="{rank}" data-nf-vote="helpful" '
        f'aria-pressed="false">{esc(t.feedback_helpful)}</button>'
        f'<button type="button" class="nf-vote nf-vote-nein" data-nf-rank="{rank}" data-nf-vote="unhelpful" '
        f'aria-pressed="false">{esc(t.feedback_unhelpful)}</button></div>'
    )


def render_doorstep(answer: Answer, t: Texts = DE) -> str:
    """The doorstep answer: each sentence with its citation in people's words, and a copy button.

    The copy button copies exactly the visible sentences (the page script reads the list's
    text). "Nothing in the programme" has nothing to copy or take away: no button.
    """
    if answer.error:
        return ""
    if answer.outcome == "nearest":  # clearly not an answer: the intro, then the nearest pledges; nothing to copy
        items = f'<li class="nf-naechste-intro">{esc(t.nearest_intro)}</li>' + "".join(
            f'<li {GERMAN}>{esc(h.pledge.sentence)} <span class="nf-zitat">'
            f"({esc(citations_words(h.pledge.citations))})</span></li>" for h in answer.used)
        copy = ""
    elif answer.abstained:
        items, copy = f"<li>{esc(t.no_answer)}</li>", ""
    else:
        hits = doorstep_hits(answer)
        if hits:
            items = "".join(f'<li {GERMAN}>{esc(h.pledge.sentence)} <span class="nf-zitat">'
                            f"({esc(citations_words(h.pledge.citations))})</span></li>" for h in hits)
        else:
            sentences = doorstep_sentences(answer) or [t.no_hits]
            items = "".join(f"<li>{esc(s)}</li>" for s in sentences)
        copy = (f'<div class="nf-kopieren-zeile"><button type="button" class="nf-kopieren" data-nf-copy '
                f'data-nf-done="{esc(t.copy_done)}" data-nf-failed="{esc(t.copy_failed)}">'
                f'{esc(t.copy_button)}</button><span class="nf-kopiert" role="status" aria-live="polite"></span></div>')
    return (
        '<section class="nf-haustuer" aria-labelledby="nf-haustuer-titel" tabindex="-1">'
        f'<h2 id="nf-haustuer-titel">{esc(t.doorstep_heading)}</h2>'
        f'<p class="nf-intro">{esc(t.doorstep_intro)}</p>'
        f'<ul class="nf-haustuer-saetze" data-nf-copy-source>{items}</ul>{copy}'
        "</section>"
    )


def render_correction(answer: Answer, t: Texts = DE) -> str:
    """"Gesucht nach: Flughafen (statt „Flughafn“)" with a button to search as typed ("" if uncorrected)."""
    if answer.error or not answer.corrections:
        return ""
    changed = ", ".join(
        f"<strong>{esc(c.corrected)}</strong> ({esc(t.instead_of.format(original=c.original))})"
        for c in answer.corrections)
    label = t.searched_for.format(corrected="\x00")
    before, _, after = label.partition("\x00")
    return (f'<p class="nf-korrektur" role="status"><span>{esc(before)}{changed}{esc(after)}</span> '
            f'<button type="button" class="nf-original" data-nf-original>'
            f"{esc(t.search_original.format(original=answer.question))}</button></p>")


def render_error(message: str, t: Texts = DE) -> str:
    """A visible, announced error box ("" when there is no error)."""
    if not message:
        return ""
    return (f'<div class="nf-fehler" role="alert"><strong>{esc(t.error_heading)}:</strong> '
            f"{esc(message)}</div>")


def render_share(url: str, t: Texts = DE) -> str:
    """The share link, shown short and readable (the question in plain letters), full in href."""
    if not url:
        return ""
    return (f'<p class="nf-teilen"><span class="nf-teilen-label">{esc(t.share_label)}:</span> '
            f'<a href="{esc(url)}" id="nf-share-link">{esc(readable_link(url))}</a>'
            f'<span class="nf-teilen-hinweis">{esc(t.share_hint)}</span></p>')


def render_note(message: str, ok: bool = True) -> str:
    """A short status note (feedback thanks or failure), announced politely."""
    if not message:
        return ""
    kind = "nf-ok" if ok else "nf-warnung"
    return f'<p class="nf-notiz {kind}" role="status">{esc(message)}</p>'


def render_status(answer: Answer, chapter: str = "", t: Texts = DE) -> str:
    """The one-line outcome (read out by screen readers): how many results, or no answer."""
    where = t.in_chapter.format(chapter=chapter) if chapter else ""
    if answer.error:
        text = ""
    elif answer.outcome == "nearest":
        text = t.nearest_status.format(where=where)
    elif answer.abstained:
        text = t.no_answer_status.format(where=where)
    else:
        text = t.results_status(len(answer.hits), where, answer.question)
    return f'<p class="nf-status-text">{esc(text)}</p>' if text else ""
