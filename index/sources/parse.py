"""Programme text and motion markdown → passages (pledges and prose), with exact lines.

Pure functions over strings, except `parse_corpus`, which only reads the corpus folder.

The PDF extraction leaves these traps, all handled here:
- a bullet ("●" / "•") wraps over lines, and may go on after a blank line, a page-number
  line or a page-break line (one that starts with a space): an unfinished sentence continues;
- a bullet can start on a page-break line (" ● …");
- words hyphenated at line ends ("Kreislaufwirt-" / "schaft") join, compounds keep the hyphen;
- a lead-in ("Dafür werden wir") closes the paragraph before a bullet list and completes
  every bullet of the list.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from index.defaults import corpus_sources
from index.sources.numbering import BULLETS, scan_motion
from index.sources.pledge import SECTION_SEPARATOR, Citation, LeadIn, Pledge, make_id
from index.sources.sections import SectionTable, parse_sections_tsv
from index.sources.text import is_terminated, join_lines, join_two, split_last_sentence
from index.sources.twins import merge_repeats, merge_twins

log = logging.getLogger(__name__)

_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_MAX_LEAD_IN_WORDS = 40
_LEAD_IN_END = re.compile(r"(?:werden wir|wir werden(?: dafür| außerdem)?|:)\s*,?$")


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One content line of a source, as the block builder sees it."""

    number: int           # in the source's own numbering
    content: str          # stripped, bullet marker removed
    bullet: bool          # starts a bullet
    gap_before: bool      # blank lines / page number / page break since the previous line
    section: str          # section path of this line
    new_section: bool = False  # a heading or a section change since the previous line


@dataclass(frozen=True, slots=True)
class _Lead:
    """A lead-in and the source lines it stands on."""

    text: str
    lines: tuple[tuple[int, str], ...]


@dataclass
class _Block:
    """A passage being built; its joined text grows with each line (linear, not quadratic)."""

    kind: str
    section: str
    lines: list[tuple[int, str]] = field(default_factory=list)
    lead: _Lead | None = None
    text_override: str | None = None
    joined: str = ""

    def __post_init__(self) -> None:
        self.joined = join_lines([c for _, c in self.lines])

    def add(self, number: int, content: str) -> None:
        self.lines.append((number, content))
        self.joined = join_two(self.joined, content)

    @property
    def text(self) -> str:
        return self.text_override if self.text_override is not None else self.joined


def build_blocks(lines: Iterable[SourceLine]) -> list[_Block]:
    """Group content lines into passages and attach lead-ins to bullets.

    A lead-in completes the bullets that follow it until prose, a heading or a section change
    intervenes; a lead-in the PDF set as a bullet replaces the outer lead-in for the bullets
    below it. Neither a passage nor a lead-in carries on past a heading or a section change.
    """
    blocks: list[_Block] = []
    lead: _Lead | None = None
    for line in lines:
        if line.new_section:
            lead = None
        cur = blocks[-1] if blocks and not line.new_section else None
        if line.bullet:
            if cur is not None and cur.kind == "text":
                lead = _take_lead_in(blocks)
            elif cur is not None and _is_lead_in_bullet(cur):
                # The PDF set a lead-in as a bullet ("● Um … gerecht zu werden, werden wir").
                popped = blocks.pop()
                lead = _Lead(popped.text, tuple(popped.lines))
            blocks.append(_Block("pledge", line.section, [(line.number, line.content)], lead))
        elif cur is not None and line.content and not is_terminated(cur.text):
            cur.add(line.number, line.content)
        elif cur is not None and not line.gap_before:
            cur.add(line.number, line.content)
        else:
            blocks.append(_Block("text", line.section, [(line.number, line.content)]))
    return [b for b in blocks if b.text]


def _is_lead_in_bullet(block: _Block) -> bool:
    """A "bullet" that is really the lead-in of the list below it."""
    text = block.text
    return block.kind == "pledge" and not is_terminated(text) and bool(_LEAD_IN_END.search(text))


def _take_lead_in(blocks: list[_Block]) -> _Lead | None:
    """Split the lead-in off the prose block that precedes a bullet list (last in `blocks`).

    A paragraph that ends a sentence is no lead-in: the bullets then stand on their own.
    When the lead-in is the whole paragraph, the paragraph is dropped as a passage; when it
    starts on a line of its own, the paragraph no longer cites that line.
    """
    prose = blocks[-1]
    text = prose.text
    if is_terminated(text):
        return None
    rest, lead = split_last_sentence(text)
    if len(lead.split()) > _MAX_LEAD_IN_WORDS:
        return None
    contents = [c for _, c in prose.lines]
    first = 0
    for k in range(len(contents) - 1, -1, -1):
        if len(join_lines(contents[k:])) >= len(lead):
            first = k
            break
    lead_lines = tuple(prose.lines[first:])
    if rest:
        prose.text_override = rest
        if first > 0 and join_lines(contents[first:]) == lead:
            prose.lines = prose.lines[:first]
    else:
        blocks.pop()
    return _Lead(lead, lead_lines)


def is_page_number(raws: list[str], i: int) -> bool:
    """Line i (0-based) is a printed page number: only a number, right before or after a
    page break (a line that starts with white space). A number alone elsewhere is text."""
    if not _PAGE_NUMBER.match(raws[i].strip()):
        return False
    return any(0 <= j < len(raws) and raws[j][:1].isspace() for j in (i - 1, i + 1))


def programme_lines(text: str, sections: SectionTable) -> Iterator[SourceLine]:
    """Content lines of the programme text; line numbers are 1-based file lines."""
    raws = text.split("\n")
    gap = False
    section: str | None = None
    for i, raw in enumerate(raws):
        content = raw.strip()
        if not content or is_page_number(raws, i):
            gap = True
            continue
        number = i + 1
        page_break = raw[:1].isspace()
        bullet = content.startswith(BULLETS)
        if bullet:
            content = content.lstrip("".join(BULLETS)).strip()
        path = sections.path_for(number)
        yield SourceLine(number, content, bullet, gap or page_break, path, section is not None and path != section)
        section = path
        gap = False


def motion_lines(text: str, chapter_fallback: str = "") -> Iterator[SourceLine]:
    """Content lines of the motion markdown; numbers are the printed line numbers
    (`index.sources.numbering.scan_motion`, the same reading the source view shows)."""
    chapter = chapter_fallback
    section = ""
    gap = heading = False
    for line in scan_motion(text):
        if line.kind == "title":
            chapter = line.text or chapter
            continue
        if line.kind == "heading":
            section = line.text
            gap = heading = True
            continue
        if line.kind == "blank" or not line.text:
            gap = True
            continue
        content = line.text
        bullet = content.startswith(BULLETS)
        if bullet:
            content = content.lstrip("".join(BULLETS)).strip()
        assert line.number is not None
        path = SECTION_SEPARATOR.join(p for p in (chapter, section) if p)
        yield SourceLine(line.number, content, bullet, gap, path, heading)
        gap = heading = False


def blocks_to_pledges(blocks: list[_Block], source: str) -> list[Pledge]:
    """Freeze parsed blocks into Pledges citing `source` (and where their lead-in stands)."""
    return [
        Pledge(
            id=make_id(source, b.lines[0][0]),
            kind=b.kind,
            section=b.section,
            lead_in=b.lead.text if b.lead else "",
            text=b.text,
            citations=(Citation(source, b.lines[0][0], b.lines[-1][0]),),
            lead_in_at=_lead_in_at(b.lead, source),
        )
        for b in blocks
    ]


def _lead_in_at(lead: _Lead | None, source: str) -> LeadIn | None:
    if lead is None or not lead.lines:
        return None
    return LeadIn(source, lead.lines[0][0], lead.lines[-1][0], lead.text)


def parse_programme(text: str, source: str, sections: SectionTable = SectionTable()) -> list[Pledge]:
    """Parse the programme's PDF text into passages."""
    return blocks_to_pledges(build_blocks(programme_lines(text, sections)), source)


def parse_motion(text: str, source: str) -> list[Pledge]:
    """Parse a motion in markdown with printed line numbers into passages."""
    return blocks_to_pledges(build_blocks(motion_lines(text)), source)


def parse_corpus(corpus_dir: Path) -> list[Pledge]:
    """Read every source of the corpus folder and return all passages, twins merged.

    `*.txt` files are programme texts (primary sources), `*.md` files motions;
    `sections.tsv` (editorial) gives the programme's section titles.
    """
    sources = corpus_sources(corpus_dir)
    sections_file = corpus_dir / "sections.tsv"
    sections = parse_sections_tsv(sections_file.read_text(encoding="utf-8")) if sections_file.exists() else SectionTable()
    primary: list[Pledge] = []
    secondary: list[Pledge] = []
    for path in sources:
        if path.suffix == ".txt":
            primary += merge_repeats(parse_programme(path.read_text(encoding="utf-8"), path.stem, sections))
        else:
            secondary += parse_motion(path.read_text(encoding="utf-8"), path.stem)
    return merge_twins(primary, secondary)
