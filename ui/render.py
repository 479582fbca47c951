"""Answers as HTML for the page: result cards, the no-answer view, errors and notes (pure).

Every piece of question or corpus text goes through `html.escape` here, so a question like
`<script>…</script>` is shown as text and never becomes markup. The only markup in the output
is the fixed skeleton written below.
"""
from __future__ import annotations

import html
from collections.abc import Sequence

from qa.answer import NO_ANSWER, nearest_topics
from qa.types import Answer, Hit
from ui import texts
from ui.source import DEFAULT_CONTEXT, render_source_view
from ui.wording import citation_words, citations_words, doorstep_hits, doorstep_sentences, pledge_places


def esc(text: object) -> str:
    """HTML-escape any value for element content and quoted attributes."""
    return html.escape(str(text), quote=True)


def render_answer(answer: Answer, sources: dict[str, list[str]], context: int = DEFAULT_CONTEXT) -> str:
    """The results area for one answer: cards, or the no-answer view ("" for an error)."""
    if answer.error:
        return ""
    if answer.abstained:
        return render_no_answer(answer, sources, context)
    if not answer.hits:
        return (f'<section class="nf-ergebnisse"><h2>{esc(texts.RESULTS_HEADING)}</h2>'
                f"<p>{esc(texts.NO_HITS)}</p></section>")
    return (
        '<section class="nf-ergebnisse" aria-labelledby="nf-ergebnisse-titel">'
        f'<h2 id="nf-ergebnisse-titel">{esc(texts.RESULTS_HEADING)}</h2>'
        f'<p class="nf-intro">{esc(texts.RESULTS_INTRO)}</p>'
        f"{render_cards(answer.hits, sources, texts.RESULT_LABEL, 3, context)}</section>"
    )


def render_no_answer(answer: Answer, sources: dict[str, list[str]], context: int = DEFAULT_CONTEXT) -> str:
    """"Dazu steht nichts im Programm." with the nearest topics and passages, labelled as such."""
    topics = nearest_topics(answer.hits)
    parts = [
        '<section class="nf-keine-antwort" aria-labelledby="nf-keine-antwort-titel">',
        f'<h2 id="nf-keine-antwort-titel">{esc(NO_ANSWER)}</h2>',
        f'<p class="nf-intro">{esc(texts.NO_ANSWER_HINT)}</p>',
    ]
    if topics:
        items = "".join(f"<li>{esc(t)}</li>" for t in topics)
        parts.append(f"<h3>{esc(texts.NEAREST_TOPICS_HEADING)}</h3><ul class=\"nf-themen\">{items}</ul>")
    if answer.hits:
        parts.append(f"<h3>{esc(texts.NEAREST_PASSAGES_HEADING)}</h3>")
        parts.append(render_cards(answer.hits, sources, texts.NEAREST_LABEL, 4, context))
    parts.append("</section>")
    return "".join(parts)


def render_cards(hits: Sequence[Hit], sources: dict[str, list[str]], label: str, level: int,
                 context: int = DEFAULT_CONTEXT) -> str:
    """An ordered list of result cards; `label` names each ("Ergebnis 1"), `level` its heading."""
    cards = "".join(render_card(hit, rank, sources, label, level, context) for rank, hit in enumerate(hits, 1))
    return f'<ol class="nf-karten">{cards}</ol>'


def render_card(hit: Hit, rank: int, sources: dict[str, list[str]], label: str = texts.RESULT_LABEL,
                level: int = 3, context: int = DEFAULT_CONTEXT) -> str:
    """One result: the pledge as a sentence, its section, its citations, source views, feedback."""
    pledge = hit.pledge
    title_id = f"nf-treffer-{rank}-titel"
    section = f'<span class="nf-abschnitt">{esc(pledge.section)}</span>' if pledge.section else ""
    cites = "".join(f"<li>{esc(place)}</li>" for place in pledge_places(pledge))
    views = "".join(
        f'<details class="nf-quelle"><summary>{esc(texts.SOURCE_VIEW_SUMMARY)}: '
        f"{esc(citation_words(c, pledge.lead_in_for(c)))}</summary>"
        f"{render_source_view(sources, c, context, pledge.lead_in_for(c))}</details>"
        for c in pledge.citations
    )
    return (
        f'<li class="nf-karte" id="nf-treffer-{rank}" data-pledge="{esc(pledge.id)}">'
        f'<article aria-labelledby="{title_id}">'
        f'<h{level} class="nf-karte-titel" id="{title_id}">'
        f'<span class="nf-rang">{esc(label)} {rank}</span>{section}</h{level}>'
        f'<p class="nf-satz">{esc(pledge.sentence)}</p>'
        f'<ul class="nf-fundstellen" aria-label="{esc(texts.EXPORT_SOURCES)}">{cites}</ul>'
        f"{views}{render_feedback_buttons(rank, label)}</article></li>"
    )


def render_feedback_buttons(rank: int, label: str = texts.RESULT_LABEL) -> str:
    """Two buttons per card; the page script turns a click into a feedback event (rank, vote)."""
    return (
        f'<div class="nf-feedback" role="group" aria-label="{esc(texts.FEEDBACK_QUESTION)} ({esc(label)} {rank})">'
        f'<span class="nf-feedback-frage" aria-hidden="true">{esc(texts.FEEDBACK_QUESTION)}</span>'
        f'<button type="button" class="nf-vote" data-nf-rank="{rank}" data-nf-vote="helpful" aria-pressed="false">'
        f'{esc(texts.FEEDBACK_HELPFUL)}</button>'
        f'<button type="button" class="nf-vote" data-nf-rank="{rank}" data-nf-vote="unhelpful" aria-pressed="false">'
        f'{esc(texts.FEEDBACK_UNHELPFUL)}</button></div>'
    )


def render_doorstep(answer: Answer) -> str:
    """The doorstep answer: each sentence with its citation in people's words, and a copy button.

    The copy button copies exactly the visible sentences (the page script reads the list's text).
    """
    if answer.error:
        return ""
    if answer.abstained:
        items = f"<li>{esc(NO_ANSWER)}</li>"
    else:
        hits = doorstep_hits(answer)
        if hits:
            items = "".join(f'<li>{esc(h.pledge.sentence)} <span class="nf-zitat">'
                            f"({esc(citations_words(h.pledge.citations))})</span></li>" for h in hits)
        else:
            sentences = doorstep_sentences(answer) or [texts.NO_HITS]
            items = "".join(f"<li>{esc(s)}</li>" for s in sentences)
    return (
        '<section class="nf-haustuer" aria-labelledby="nf-haustuer-titel">'
        f'<h2 id="nf-haustuer-titel">{esc(texts.DOORSTEP_HEADING)}</h2>'
        f'<p class="nf-intro">{esc(texts.DOORSTEP_INTRO)}</p>'
        f'<ul class="nf-haustuer-saetze" data-nf-copy-source>{items}</ul>'
        f'<div class="nf-kopieren-zeile"><button type="button" class="nf-kopieren" data-nf-copy>'
        f'{esc(texts.COPY_BUTTON)}</button><span class="nf-kopiert" role="status" aria-live="polite"></span></div>'
        "</section>"
    )


def render_error(message: str) -> str:
    """A visible, announced error box ("" when there is no error)."""
    if not message:
        return ""
    return (f'<div class="nf-fehler" role="alert"><strong>{esc(texts.ERROR_HEADING)}:</strong> '
            f"{esc(message)}</div>")


def render_share(url: str) -> str:
    """The share link as a visible, clickable address ("" without one)."""
    if not url:
        return ""
    return (f'<p class="nf-teilen"><span class="nf-teilen-label">{esc(texts.SHARE_LABEL)}:</span> '
            f'<a href="{esc(url)}" id="nf-share-link">{esc(url)}</a>'
            f'<span class="nf-teilen-hinweis">{esc(texts.SHARE_HINT)}</span></p>')


def render_note(message: str, ok: bool = True) -> str:
    """A short status note (feedback thanks or failure), announced politely."""
    if not message:
        return ""
    kind = "nf-ok" if ok else "nf-warnung"
    return f'<p class="nf-notiz {kind}" role="status">{esc(message)}</p>'


def render_status(answer: Answer, chapter: str = "") -> str:
    """The one-line outcome (read out by screen readers): how many results, or no answer."""
    where = f" im Kapitel „{chapter}“" if chapter else ""
    if answer.error:
        text = ""
    elif answer.abstained:
        text = f"{NO_ANSWER} Die nächstliegenden Stellen{where} stehen unten."
    else:
        text = f"{len(answer.hits)} Ergebnisse{where} für „{answer.question}“."
    return f'<p class="nf-status-text">{esc(text)}</p>' if text else ""
