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


def line_span(citation: Citation, lead_in: LeadIn | None = None) -> str:
    """"Z. 3055" or "Z. 3055–3056" (en dash, as in print); with the lead-in's lines
    "Z. 405, 409–411"."""
    return line_numbers(citation, lead_in, LINE_ABBREVIATION)


def citation_words(citation: Citation, lead_in: LeadIn | None = None) -> str:
    """"Wahlprogramm 2025, Z. 3055–3056" (with a lead-in: "Wahlprogramm 2025, Z. 405, 409–411")."""
    return f"{source_name(citation.source)}, {line_span(citation, lead_in)}"


def citations_words(citations: tuple[Citation, ...]) -> str:
    """All places a passage stands, primary first: "Wahlprogramm 2025, Z. 3679; Antrag …, Z. 252"."""
    return "; ".join(citation_words(c) for c in citations)


def pledge_places(pledge: Pledge) -> list[str]:
    """Every place of a passage in people's words, the lead-in's lines with the primary one."""
    return [citation_words(c, pledge.lead_in_for(c)) for c in pledge.citations]


def doorstep_hits(answer: Answer) -> list[Hit]:
    """The hits the pipeline chose for the doorstep answer (`Answer.used`), in its order."""
    if answer.abstained or answer.error:
        return []
    return list(answer.used)


def doorstep_sentences(answer: Answer) -> list[str]:
    """The doorstep answer as sentences, each followed by its citation in people's words."""
    hits = doorstep_hits(answer)
    if hits:
        return [f"{h.pledge.sentence} ({citations_words(h.pledge.citations)})" for h in hits]
    if answer.text and not answer.abstained and not answer.error:
        return [answer.text]  # an answer made elsewhere, without its hits: its own text
    return []


def doorstep_text(answer: Answer) -> str:
    """Plain text to copy or read out: one sentence per line, or the no-answer sentence."""
    if answer.error:
        return ""
    if answer.abstained:
        return NO_ANSWER
    return "\n".join(doorstep_sentences(answer))
