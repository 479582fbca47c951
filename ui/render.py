"""Answers as HTML for the page: result cards, the no-answer view, errors and notes (pure).

Every piece of question or corpus text goes through `html.escape` here, so a question like
`<script>…</script>` is shown as text and never becomes markup. The only markup in the output
is the fixed skeleton written below. Page texts come from a catalogue (`t`, German by
default); the programme's own words are marked `lang="de" dir="ltr"` so they read right on an
Arabic (right-to-left) page and screen readers pick a German voice for them.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from index.sources.pledge import Citation, LeadIn, Pledge, line_numbers
from qa.answer import nearest_topics
from qa.types import Answer, Hit
from ui.i18n import Texts
from ui.leads import reason_text, render_elsewhere, render_reason, render_similar
from ui.markup import GERMAN, esc
from ui.share import permalink, readable_link
from ui.source import DEFAULT_CONTEXT, render_source_view
from ui.texts import DE
from qa.wording import answer_hits, doorstep_sentences, leaves_out, source_name

LeadIns = Callable[[Citation], "LeadIn | None"]  # the lead-in that belongs to a citation


def render_answer(answer: Answer, sources: dict[str, list[str]], context: int = DEFAULT_CONTEXT,
                  t: Texts = DE, chapter: str = "") -> str:
    """The results area for one answer: cards and similar questions, or the no-answer view
    ("" for an error). `chapter`: the chapter filter it was asked with."""
    if answer.error:
        return ""
    if answer.abstained:
        return render_no_answer(answer, sources, context, t, chapter)
    if not answer.hits:
        return (f'<section class="nf-ergebnisse"><h2>{esc(t.results_heading)}</h2>'
                f"<p>{esc(t.no_hits)}</p></section>")
    return (
        '<section class="nf-ergebnisse" aria-labelledby="nf-ergebnisse-titel">'
        f'<h2 id="nf-ergebnisse-titel">{esc(t.results_heading)}</h2>'
        f'<p class="nf-intro">{esc(t.results_intro)}</p>{render_german_only(t)}'
        f"{render_cards(answer.hits, sources, t.result_label, 3, context, t)}{render_similar(answer, t)}</section>"
    )


def render_german_only(t: Texts) -> str:
    """The one line saying the programme exists only in German ("" on the German page)."""
    return f'<p class="nf-nur-deutsch">{esc(t.german_only)}</p>' if t.german_only else ""


def render_no_answer(answer: Answer, sources: dict[str, list[str]], context: int = DEFAULT_CONTEXT,
                     t: Texts = DE, chapter: str = "") -> str:
    """"Dazu steht nichts im Programm." (outcome "nothing") or, for "nearest", the nearest
    places under a heading that says they are no answer (the doorstep box above already says
    "Direkt steht dazu nichts im Programm" – once). With a chapter filter, first the chapters
    that do speak of it; then the reason when there is one, the bank's questions the programme
    answers, and the nearest topics and passages."""
    topics = nearest_topics(answer.hits)
    nearest = answer.outcome == "nearest"
    parts = [
        f'<section class="nf-keine-antwort" data-nf-outcome="{esc(answer.outcome)}" aria-labelledby="nf-keine-antwort-titel">',
        render_elsewhere(answer, chapter, t),  # first: with a chapter filter, where the programme does speak of it
        f'<h2 id="nf-keine-antwort-titel">{esc(t.nearest_passages_heading if nearest else t.no_answer)}</h2>',
        render_reason(answer, t),
        "" if nearest else f'<p class="nf-intro">{esc(t.no_answer_hint)}</p>',
        render_german_only(t), render_similar(answer, t),
    ]
    if topics:
        items = "".join(f"<li {GERMAN}>{esc(topic)}</li>" for topic in topics)
        parts.append(f"<h3>{esc(t.nearest_topics_heading)}</h3><ul class=\"nf-themen\">{items}</ul>")
    if answer.hits:
        parts.append("" if nearest else f"<h3>{esc(t.nearest_passages_heading)}</h3>")  # "nearest": the h2 says it
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
        f'<p class="nf-satz" {GERMAN}>{render_quoted(pledge)}</p>'
        f"{render_citations(pledge.citations, t, pledge.lead_in_for)}"
        f"{render_source_views(pledge.citations, sources, context, t, lead_ins=pledge.lead_in_for)}"
        f'<p class="nf-permalink"><a href="{esc(permalink(pledge.id))}">{esc(t.permalink_label)}</a></p>'
        f"{render_feedback_buttons(rank, label, t)}</article></li>"
    )


def render_citations(citations: Sequence[object], t: Texts = DE, lead_ins: LeadIns | None = None) -> str:
    """The citation chips ("Wahlprogramm 2025, Z. 3679"; with the lead-in's lines "Z. 405, 409–411")."""
    lead = lead_ins or (lambda c: None)
    items = "".join(f"<li>{render_citation(c, t, lead(c))}</li>" for c in citations)  # type: ignore[arg-type]
    return f'<ul class="nf-fundstellen" aria-label="{esc(t.export_sources)}">{items}</ul>'


def render_citation(citation: Citation, t: Texts = DE, lead_in: LeadIn | None = None) -> str:
    """"Wahlprogramm 2025, Z. 3055" in the page's language: the German source name and the line
    numbers are left-to-right islands (an Arabic page reads "سطر" around them), the word for
    line is the page's."""
    numbers = line_numbers(citation, lead_in, "").strip()
    return (f'<span {GERMAN}>{esc(source_name(citation.source))}</span>, {esc(t.line_abbreviation)} '
            f'<bdi dir="ltr">{esc(numbers)}</bdi>')


def render_quoted(pledge: Pledge) -> str:
    """A pledge as the programme prints it: the lead-in in lighter type, "…" where other bullets
    stand between, then the bullet, so every word shown is the programme's own."""
    if pledge.kind != "pledge" or not pledge.lead_in:
        return esc(pledge.sentence)
    gap = ' <span class="nf-auslassung" aria-hidden="true">…</span>' if leaves_out(pledge) else ""
    return f'<span class="nf-einleitung">{esc(pledge.lead_in.rstrip())}</span>{gap} {esc(pledge.text)}'


def render_source_views(citations: Sequence[object], sources: dict[str, list[str]], context: int = DEFAULT_CONTEXT,
                        t: Texts = DE, open_first: bool = False, lead_ins: LeadIns | None = None) -> str:
    """One collapsible source view per citation ("Im Programm nachlesen: …"), the lead-in's
    lines marked too."""
    lead = lead_ins or (lambda c: None)
    return "".join(
        f'<details class="nf-quelle"{" open" if open_first and i == 0 else ""}>'
        f"<summary>{esc(t.source_view_summary)}: {render_citation(c, t, lead(c))}</summary>"  # type: ignore[arg-type]
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
        f'aria-pressed="false">{esc(t.feedback_unhelpful)}</button>'
        # the thanks appear here, beside the buttons (the page script fills it after a vote)
        '<span class="nf-feedback-antwort" role="status" aria-live="polite"></span></div>'
    )


def render_doorstep(answer: Answer, t: Texts = DE) -> str:
    """The doorstep answer: each sentence with its citation in people's words, and a copy button.

    The copy button copies exactly the visible sentences (the page script reads the list's
    text). "Nearest" is clearly not an answer: "Direkt steht dazu nichts im Programm; am
    nächsten kommt:" (said here once), any reason, the nearest pledges – and those can be
    copied and printed, to take to the door. "Nothing in the programme" (with its reason) has
    nothing to copy or take away: no button.
    """
    if answer.error:
        return ""
    why = reason_text(answer.reason, t)
    reason = f'<li class="nf-grund">{esc(why)}</li>' if why else ""
    if answer.outcome == "nearest":
        items = f'<li class="nf-naechste-intro">{esc(t.nearest_intro)}</li>' + reason + "".join(
            render_doorstep_item(h.pledge, t) for h in answer.used)
        copy = render_copy_button(t, t.copy_nearest)
    elif answer.abstained:
        items, copy = f"<li>{esc(t.no_answer)}</li>{reason}", ""
    else:
        hits = answer_hits(answer)
        if hits:
            items = "".join(render_doorstep_item(h.pledge, t) for h in hits)
        else:
            sentences = doorstep_sentences(answer) or [t.no_hits]
            items = "".join(f"<li>{esc(s)}</li>" for s in sentences)
        copy = render_copy_button(t, t.copy_button)
    return (
        '<section class="nf-haustuer" aria-labelledby="nf-haustuer-titel" tabindex="-1">'
        f'<h2 id="nf-haustuer-titel">{esc(t.doorstep_heading)}</h2>'
        f'<p class="nf-intro">{esc(t.doorstep_intro)}</p>'
        f'<ul class="nf-haustuer-saetze" data-nf-copy-source>{items}</ul>{copy}'
        "</section>"
    )


def render_copy_button(t: Texts, label: str) -> str:
    """The copy button under the doorstep box, with its "copied" note."""
    return (f'<div class="nf-kopieren-zeile"><button type="button" class="nf-kopieren" data-nf-copy '
            f'data-nf-done="{esc(t.copy_done)}" data-nf-failed="{esc(t.copy_failed)}">'
            f'{esc(label)}</button><span class="nf-kopiert" role="status" aria-live="polite"></span></div>')


def render_doorstep_item(pledge: Pledge, t: Texts = DE) -> str:
    """One doorstep line: the pledge in the programme's words, its places in the page's language."""
    places = "; ".join(render_citation(c, t) for c in pledge.citations)
    return f'<li><span {GERMAN}>{render_quoted(pledge)}</span> <span class="nf-zitat">({places})</span></li>'


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
            f'<a href="{esc(url)}" id="nf-share-link" dir="ltr">{breakable_link(readable_link(url))}</a>'
            f'<span class="nf-teilen-hinweis">{esc(t.share_hint)}</span></p>')


def breakable_link(text: str) -> str:
    """An address escaped, with a line-break chance before "?" and "&" (a phone breaks it there,
    not in the middle of a word)."""
    return "".join(f"<wbr>{esc(ch)}" if ch in "?&" else esc(ch) for ch in text)


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
