"""The source view: a citation's surrounding lines with line numbers, cited lines highlighted.

Sources are handed around as "numbered lines": a list whose item n-1 is line n in the
source's own numbering. For the programme text that is the file's lines; for the motion
(markdown) it is the printed numbers at the start of its lines ("- 36 • …", "37 …",
"## 72 Für …"), so the view shows exactly the numbers a citation names. The motion's last
bullet has no printed number; like the parser, it gets the previous number + 1.

Everything but `load_sources` is pure; all text is HTML-escaped here.
"""
from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from pathlib import Path

from index.sources.pledge import Citation, LeadIn
from index.sources.numbering import motion_line_map, programme_lines
from ui.i18n import Texts
from ui.texts import DE
from qa.wording import line_span, source_name

log = logging.getLogger(__name__)

DEFAULT_CONTEXT = 8


@dataclass(frozen=True, slots=True)
class ExcerptLine:
    """One line of a source excerpt."""

    number: int
    text: str
    cited: bool
    lead_in: bool = False  # a line of the lead-in that completes the cited sentence


def as_numbered_lines(mapping: dict[int, str]) -> list[str]:
    """A number → text mapping as numbered lines (numbers without text become "")."""
    if not mapping:
        return []
    return [mapping.get(n, "") for n in range(1, max(mapping) + 1)]


def load_sources(corpus_dir: Path) -> dict[str, list[str]]:
    """Numbered lines of every source in the corpus folder, keyed by file stem (source id)."""
    sources: dict[str, list[str]] = {}
    for path in sorted(corpus_dir.glob("*.txt")):
        sources[path.stem] = programme_lines(path.read_text(encoding="utf-8"))
    for path in sorted(corpus_dir.glob("*.md")):
        if path.name.upper() != "README.MD":
            sources[path.stem] = as_numbered_lines(motion_line_map(path.read_text(encoding="utf-8")))
    log.info("source texts loaded: %s", {k: len(v) for k, v in sources.items()})
    return sources


def excerpt(lines: list[str], citation: Citation, context: int = DEFAULT_CONTEXT,
            lead_in: LeadIn | None = None) -> list[ExcerptLine]:
    """The cited lines (and the lead-in's lines, when given) and up to `context` lines either
    side ([] if the citation is out of range)."""
    if not lines or citation.start_line < 1 or citation.start_line > len(lines):
        return []
    lead = lead_in if lead_in is not None and lead_in.source == citation.source else None
    top = min(citation.start_line, lead.start_line) if lead else citation.start_line
    first = max(1, top - context)
    last = min(len(lines), max(citation.end_line, citation.start_line) + context)
    return [
        ExcerptLine(n, lines[n - 1].strip(), citation.start_line <= n <= citation.end_line,
                    bool(lead and lead.start_line <= n <= lead.end_line))
        for n in range(first, last + 1)
    ]


def render_source_view(sources: dict[str, list[str]], citation: Citation, context: int = DEFAULT_CONTEXT,
                       t: Texts = DE, lead_in: LeadIn | None = None) -> str:
    """HTML table of an excerpt: line numbers as row headers, cited and lead-in lines marked."""
    rows = excerpt(sources.get(citation.source, []), citation, context, lead_in)
    if not rows:
        return f'<p class="nf-hinweis">{html.escape(t.source_view_missing)}</p>'
    shown = Citation(citation.source, rows[0].number, rows[-1].number)
    caption = f"{source_name(citation.source)}, {line_span(shown, abbreviation=t.line_abbreviation)}"
    body = "".join(_row(r) for r in rows)
    return (
        f'<div class="nf-quelltext">'
        f'<p class="nf-hinweis">{html.escape(t.cited_lines_note)}</p>'
        f'<table class="nf-zeilen" lang="de" dir="ltr" aria-label="{html.escape(caption, quote=True)}">'
        f"<caption class=\"nf-sr\">{html.escape(caption)}</caption>"
        f"<thead class=\"nf-sr\"><tr><th scope=\"col\">{html.escape(t.source_line_label)}</th>"
        f"<th scope=\"col\">{html.escape(t.source_text_label)}</th></tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def _row(line: ExcerptLine) -> str:
    text = html.escape(line.text) if line.text else "&nbsp;"
    if line.cited:
        return (f'<tr class="nf-zitiert"><th scope="row">{line.number}</th>'
                f"<td><mark>{text}</mark></td></tr>")
    if line.lead_in:
        return (f'<tr class="nf-einleitung"><th scope="row">{line.number}</th>'
                f'<td><mark class="nf-einleitung">{text}</mark></td></tr>')
    return f'<tr><th scope="row">{line.number}</th><td>{text}</td></tr>'
