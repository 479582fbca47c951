"""Citations and the doorstep answer in the words people use (pure, plain text): shared by
the command line (python -m qa) and the page (ui/).

The pipeline's citations use source ids ("wahlprogramm-2025, Z. 3055"); people read
"Wahlprogramm 2025, Z. 3055–3056". Everything here returns plain, unescaped text: the
HTML and Markdown renderers escape it for their format.
"""
from __future__ import annotations

from collections.abc import Mapping

from index.sources.pledge import Citation, LeadIn, Pledge, line_numbers
from qa.answer import NO_ANSWER
from qa.types import Answer, Hit

# Display names of the corpus sources (file stems); unknown ids are shown as they are.
# Citations are the programme's German in every page language.
SOURCE_NAMES: dict[str, str] = {
    "wahlprogramm-2025": "Wahlprogramm 2025",
    "antrag-gleichberechtigung-und-engagement": "Antrag „Gleichberechtigung und Engagement“",
}

LINE_ABBREVIATION = "Z."


def source_name(source: str, names: Mapping[str, str] = SOURCE_NAMES) -> str:
    """Display name of a source id, falling back to the id itself."""
    return names.get(source, source)


def line_span(citation: Citation, lead_in: LeadIn | None = None, abbreviation: str = LINE_ABBREVIATION) -> str:
    """"Z. 3055" or "Z. 3055–3056" (en dash, as in print); with the lead-in's lines
    "Z. 405, 409–411". `abbreviation`: the page language's word for line ("line", "satır")."""
    return line_numbers(citation, lead_in, abbreviation)


def citation_words(citation: Citation, lead_in: LeadIn | None = None, abbreviation: str = LINE_ABBREVIATION) -> str:
    """"Wahlprogramm 2025, Z. 3055–3056" (with a lead-in: "Wahlprogramm 2025, Z. 405, 409–411");
    the source's German name stays, the word for line is the page's (`abbreviation`)."""
    return f"{source_name(citation.source)}, {line_span(citation, lead_in, abbreviation)}"


def citations_words(citations: tuple[Citation, ...], abbreviation: str = LINE_ABBREVIATION) -> str:
    """All places a passage stands, primary first: "Wahlprogramm 2025, Z. 3679; Antrag …, Z. 252"."""
    return "; ".join(citation_words(c, abbreviation=abbreviation) for c in citations)


def quoted(pledge: Pledge) -> str:
    """A pledge in exactly the programme's words: its lead-in as printed, "…" when other
    bullets stand between lead-in and bullet, then the bullet ("Dafür werden wir … die …")."""
    if pledge.kind != "pledge" or not pledge.lead_in:
        return pledge.sentence
    return f"{pledge.lead_in.rstrip()}{' …' if leaves_out(pledge) else ''} {pledge.text}"


def leaves_out(pledge: Pledge) -> bool:
    """Whether words stand between a pledge's lead-in and its bullet (other bullets)."""
    at = pledge.lead_in_at
    return at is not None and bool(pledge.citations) and at.source == pledge.primary.source \
        and at.end_line + 1 < pledge.primary.start_line


def pledge_places(pledge: Pledge) -> list[str]:
    """Every place of a passage in people's words, the lead-in's lines with the primary one."""
    return [citation_words(c, pledge.lead_in_for(c)) for c in pledge.citations]


def answer_hits(answer: Answer) -> list[Hit]:
    """The hits the pipeline chose for the doorstep answer (`Answer.used`), in its order."""
    if answer.abstained or answer.error:
        return []
    return list(answer.used)


def doorstep_sentences(answer: Answer, abbreviation: str = LINE_ABBREVIATION) -> list[str]:
    """The doorstep answer: each pledge in the programme's words (`quoted`), followed by its
    citation in people's words (the word for line in the reader's language)."""
    hits = answer_hits(answer)
    if hits:
        return [f"{quoted(h.pledge)} ({citations_words(h.pledge.citations, abbreviation)})" for h in hits]
    if answer.text and not answer.abstained and not answer.error:
        return [answer.text]  # an answer made elsewhere, without its hits: its own text
    return []


def plain_answer(answer: Answer) -> str:
    """Plain text to copy or read out: one sentence per line, or the no-answer sentence."""
    if answer.error:
        return ""
    if answer.abstained:
        return NO_ANSWER
    return "\n".join(doorstep_sentences(answer))
