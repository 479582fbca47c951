""""Programm nach Themen": chapters → sections → every pledge with its lines (pure).

`Outline` groups the index's passages as the programme does; `render_section` shows one
section's pledges (each with citations, a permalink and its source view), and
`sheet_html` is the printable A4 sheet of that section. A section without pledges shows
its prose passages instead, so no section is empty.
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from index.sources.pledge import SECTION_SEPARATOR, Pledge
from ui.export import PRINT_CSS, stamp
from ui.faq import FaqItem, render_faq, sheet_faq
from ui.i18n import Texts
from ui.render import GERMAN, esc, render_citation, render_citations, render_quoted, render_source_views
from ui.share import permalink
from ui.source import DEFAULT_CONTEXT
from ui.texts import DE


@dataclass(frozen=True, slots=True)
class Outline:
    """Chapters in programme order, each with its sections, each with its passages."""

    chapters: tuple[str, ...]
    sections: dict[str, tuple[str, ...]]  # chapter → full section paths
    passages: dict[str, tuple[Pledge, ...]]  # section path → pledges (or prose if it has none)
    by_id: dict[str, Pledge]

    @classmethod
    def of(cls, pledges: Iterable[Pledge]) -> "Outline":
        everything = list(pledges)
        sections: dict[str, dict[str, None]] = {}
        grouped: dict[str, list[Pledge]] = {}
        for p in everything:
            chapter = chapter_of(p.section)
            sections.setdefault(chapter, {})[p.section] = None
            grouped.setdefault(p.section, []).append(p)
        passages = {}
        for path, items in grouped.items():
            pledged = tuple(p for p in items if p.kind == "pledge")
            passages[path] = pledged or tuple(items)
        return cls(tuple(sections), {c: tuple(s) for c, s in sections.items()}, passages,
                   {p.id: p for p in everything})

    def section_of(self, pledge_id: str) -> str:
        """The section a pledge stands in ("" if unknown)."""
        pledge = self.by_id.get(pledge_id)
        return pledge.section if pledge else ""


def chapter_of(section: str) -> str:
    """"Mobilität › Flughafen" → "Mobilität"."""
    return section.split(SECTION_SEPARATOR)[0]


def section_title(section: str) -> str:
    """"Mobilität › Flughafen" → "Flughafen" (the path itself when it has one part)."""
    parts = section.split(SECTION_SEPARATOR)
    return SECTION_SEPARATOR.join(parts[1:]) or parts[0]


def render_section(section: str, passages: Sequence[Pledge], sources: dict[str, list[str]],
                   t: Texts = DE, focus: str = "", context: int = DEFAULT_CONTEXT,
                   faq: Sequence[FaqItem] = ()) -> str:
    """All passages of a section; the one with id `focus` has its source view open."""
    if not passages:
        return ""
    items = []
    for p in passages:
        mark = " nf-fokus" if p.id == focus else ""
        items.append(
            f'<li class="nf-karte{mark}" id="nf-stelle-{esc(p.id.replace(":", "-"))}" data-pledge="{esc(p.id)}">'
            f'<p class="nf-satz" {GERMAN}>{render_quoted(p)}</p>{render_citations(p.citations, t, p.lead_in_for)}'
            f"{render_source_views(p.citations, sources, context, t, open_first=p.id == focus, lead_ins=p.lead_in_for)}"
            f'<p class="nf-permalink"><a href="{esc(permalink(p.id))}">{esc(t.permalink_label)}</a></p></li>')
    return (f'<section class="nf-thema" aria-labelledby="nf-thema-titel">'
            f'<h2 id="nf-thema-titel" {GERMAN}>{esc(section)}</h2>'
            f'<p class="nf-intro">{esc(t.topics_pledges.format(n=len(passages)))}</p>'
            f'{f"<p class=nf-nur-deutsch>{esc(t.german_only)}</p>" if t.german_only else ""}'
            f'{render_faq(faq, t)}<ol class="nf-karten">{"".join(items)}</ol></section>')


def sheet_html(section: str, passages: Sequence[Pledge], created: datetime, t: Texts = DE,
               faq: Sequence[FaqItem] = ()) -> str:
    """A self-contained A4 sheet of one section's pledges with their lines (no scripts)."""
    e = html.escape
    rows = "".join(f'<li><span {GERMAN}>{render_quoted(p)}</span> '
                   f'<span class="fundstelle">({"; ".join(render_citation(c, t) for c in p.citations)})</span></li>'
                   for p in passages)
    return (f'<!DOCTYPE html><html lang="{t.code}" dir="{t.direction}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(t.export_sheet_title)}: {e(section_title(section))}</title><style>{PRINT_CSS}</style>"
            f"</head><body><main><h1>{e(t.export_sheet_title)}</h1>"
            f'<h2 {GERMAN}>{e(section)}</h2><ol>{rows}</ol>{sheet_faq(faq, t)}</main>'
            f"<footer><p>{e(t.export_origin)}<br>{e(stamp(created, t))}</p></footer></body></html>")
