""""Häufige Fragen" of a topic section: the question bank's questions tied to its pledges, with
the pledge lines they point to – in the topic tab and on the printed sheet (pure).

A section's list is chosen once at start: questions the programme answers whose passages
stand in the section, each text once, German ones first (then up to `OTHER_LANGUAGES` in
other languages), questions before objections and theses, spread over the section's pledges
(a question on a pledge not yet covered comes before a second one on the same pledge).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from index.sources.bank import BankEntry, normalised
from index.sources.pledge import Pledge
from qa.wording import citations_words
from ui.i18n import Texts
from ui.markup import GERMAN, esc
from ui.texts import DE

LIMIT = 8
OTHER_LANGUAGES = 2
VOICE_ORDER = ("citizen", "colloquial", "canvasser", "objection", "thesis", "other_language")


@dataclass(frozen=True, slots=True)
class FaqItem:
    """One frequent question and the section's pledges that answer it (programme order)."""

    question: str
    lang: str
    pledges: tuple[Pledge, ...]


@dataclass(frozen=True, slots=True)
class Faq:
    """Every section's frequent questions (section path → items, at most `LIMIT`)."""

    sections: Mapping[str, tuple[FaqItem, ...]]

    @classmethod
    def of(cls, entries: Iterable[BankEntry], shown: Mapping[str, Sequence[Pledge]], limit: int = LIMIT) -> "Faq":
        """From the bank and the passages each section shows (section path → passages,
        ui.topics.Outline.passages): a question counts for the passages shown, so its lines
        link to cards on the sheet."""
        entries = tuple(entries)
        by_id = {p.id: p for passages in shown.values() for p in passages}
        candidates: dict[str, dict[str, FaqItem]] = {}
        for e in entries:
            if not e.answerable:
                continue
            pledges = [by_id[pid] for pid in e.passages if pid in by_id]
            for section in dict.fromkeys(p.section for p in pledges):
                mine = tuple(sorted((p for p in pledges if p.section == section), key=_programme_order))
                items = candidates.setdefault(section, {})
                items.setdefault(normalised(e.question), FaqItem(e.question, e.lang, mine))
        voices = {_key(e): e.voice for e in entries}
        return cls({s: choose(list(items.values()), voices, limit) for s, items in candidates.items()})

    def of_section(self, section: str) -> tuple[FaqItem, ...]:
        return self.sections.get(section, ())


def _key(e: BankEntry) -> str:
    return normalised(e.question)


def _programme_order(p: Pledge) -> tuple[str, int]:
    first = p.citations[0] if p.citations else None
    return (first.source, first.start_line) if first else (p.id, 0)


def choose(items: Sequence[FaqItem], voices: Mapping[str, str], limit: int = LIMIT) -> tuple[FaqItem, ...]:
    """German questions first (room left for up to OTHER_LANGUAGES others), by voice, spread over
    the pledges; the bank's order within that (stable)."""
    def rank(item: FaqItem) -> int:
        voice = voices.get(normalised(item.question), "")
        return VOICE_ORDER.index(voice) if voice in VOICE_ORDER else len(VOICE_ORDER)

    def spread(pool: Sequence[FaqItem], n: int) -> list[FaqItem]:
        ordered = sorted(pool, key=rank)
        covered: set[str] = set()
        first, second = [], []
        for item in ordered:
            ids = {p.id for p in item.pledges}
            (second if ids <= covered else first).append(item)
            covered |= ids
        return (first + second)[:n]

    german = [i for i in items if i.lang == "de"]
    others = [i for i in items if i.lang != "de"]
    foreign = spread(others, min(OTHER_LANGUAGES, limit))
    return tuple(spread(german, limit - len(foreign)) + foreign)


def _lines(item: FaqItem, t: Texts) -> str:
    return "; ".join(citations_words(p.citations, t.line_abbreviation) for p in item.pledges)


def pledge_anchor(pledge_id: str) -> str:
    """The id of a pledge's card in the topic tab (ui.topics.render_section)."""
    return "nf-stelle-" + pledge_id.replace(":", "-")


def render_faq(items: Sequence[FaqItem], t: Texts = DE) -> str:
    """The section's frequent questions for the topic tab; each line links to its pledge's card."""
    if not items:
        return ""
    rows = []
    for item in items:
        links = "; ".join(f'<a href="#{esc(pledge_anchor(p.id))}">{esc(citations_words(p.citations, t.line_abbreviation))}</a>'
                          for p in item.pledges)
        rows.append(f'<li><span class="nf-faq-frage" lang="{esc(item.lang)}" dir="auto">{esc(item.question)}</span> '
                    f'<span class="nf-zitat" {GERMAN}>→ {links}</span></li>')
    return (f'<section class="nf-faq" aria-labelledby="nf-faq-titel"><h3 id="nf-faq-titel">{esc(t.faq_heading)}</h3>'
            f'<p class="nf-intro">{esc(t.faq_intro)}</p><ul>{"".join(rows)}</ul></section>')


def sheet_faq(items: Sequence[FaqItem], t: Texts = DE) -> str:
    """The frequent questions on the printed sheet: question, then the lines that answer it."""
    if not items:
        return ""
    rows = "".join(f'<li class="frage"><span lang="{esc(item.lang)}" dir="auto">{esc(item.question)}</span> '
                   f'<span class="fundstelle" {GERMAN}>→ {esc(_lines(item, t))}</span></li>' for item in items)
    return f'<h3 class="faq">{esc(t.faq_heading)}</h3><ul class="faq">{rows}</ul>'
