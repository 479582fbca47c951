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

from index.pledge import Citation, Pledge, make_id
from index.sections import SectionTable, parse_sections_tsv
from index.text import is_terminated, join_lines, join_two, split_last_sentence
from index.twins import merge_twins

log = logging.getLogger(__name__)

BULLETS = ("●", "•")
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_MOTION_LINE = re.compile(r"^(?:-\s+)?(\d+)(?:\s+(.*))?$")
_MOTION_HEADING = re.compile(r"^##\s+(?:(\d+)\s+)?(.*)$")
_MD_ESCAPE = re.compile(r"\\([*_\\#\[\]()`-])")
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


@dataclass
class _Block:
    """A passage being built; its joined text grows with each line (linear, not quadratic)."""

    kind: str
    section: str
    lines: list[tuple[int, str]] = field(default_factory=list)
    lead_in: str = ""
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
    """Group content lines into passages and attach lead-ins to bullets."""
    blocks: list[_Block] = []
    lead_in = ""
    for line in lines:
        cur = blocks[-1] if blocks else None
        if line.bullet:
            if cur is not None and cur.kind == "text":
                lead_in = _take_lead_in(blocks)
            elif cur is not None and _is_lead_in_bullet(cur):
                # The PDF set a lead-in as a bullet ("● Um … gerecht zu werden, werden wir").
                lead_in = blocks.pop().text
            blocks.append(_Block("pledge", line.section, [(line.number, line.content)], lead_in))
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


def _take_lead_in(blocks: list[_Block]) -> str:
    """Split the lead-in off the prose block that precedes a bullet list (last in `blocks`).

    A paragraph that ends a sentence is no lead-in: the bullets then stand on their own.
    When the lead-in is the whole paragraph, the paragraph is dropped as a passage.
    """
    prose = blocks[-1]
    text = prose.text
    if is_terminated(text):
        return ""
    rest, lead = split_last_sentence(text)
    if len(lead.split()) > _MAX_LEAD_IN_WORDS:
        return ""
    if rest:
        prose.text_override = rest
    else:
        blocks.pop()
    return lead


def programme_lines(text: str, sections: SectionTable) -> Iterator[SourceLine]:
    """Content lines of the programme text; line numbers are 1-based file lines."""
    gap = False
    for number, raw in enumerate(text.split("\n"), start=1):
        content = raw.strip()
        if not content or _PAGE_NUMBER.match(content):
            gap = True
            continue
        page_break = raw[:1].isspace()
        bullet = content.startswith(BULLETS)
        if bullet:
            content = content.lstrip("".join(BULLETS)).strip()
        yield SourceLine(number, content, bullet, gap or page_break, sections.path_for(number))
        gap = False


def motion_lines(text: str, chapter_fallback: str = "") -> Iterator[SourceLine]:
    """Content lines of the motion markdown; numbers are the printed line numbers.

    A line without a printed number (the motion's last bullet has none) gets the previous
    printed number + 1, with a warning in the log.
    """
    chapter = chapter_fallback
    section = ""
    last_number = 0
    gap = False
    in_text = False
    for raw in text.split("\n"):
        stripped = _MD_ESCAPE.sub(r"\1", raw.strip()).replace("**", "")
        if stripped.startswith("Titel:"):
            chapter = stripped.split(":", 1)[1].strip() or chapter
            continue
        if stripped.startswith("## "):
            heading = _MOTION_HEADING.match(stripped)
            assert heading is not None
            if heading.group(2).strip() == "Text" and not heading.group(1):
                in_text = True
                continue
            if heading.group(1):
                last_number = _next_number(int(heading.group(1)), last_number)
            section = heading.group(2).strip()
            gap = True
            continue
        if not in_text or not stripped:
            gap = True
            continue
        numbered = _MOTION_LINE.match(stripped)
        if numbered:
            last_number = _next_number(int(numbered.group(1)), last_number)
            content = (numbered.group(2) or "").strip()
        else:
            last_number += 1
            content = stripped[2:].strip() if stripped.startswith("- ") else stripped
            log.info("motion line without printed number (%r…): numbered %d", content[:30], last_number)
            if stripped.startswith("- ") and not content.startswith(BULLETS):
                content = "• " + content
        if not content:
            gap = True
            continue
        bullet = content.startswith(BULLETS)
        if bullet:
            content = content.lstrip("".join(BULLETS)).strip()
        path = " › ".join(p for p in (chapter, section) if p)
        yield SourceLine(last_number, content, bullet, gap, path)
        gap = False


def _next_number(printed: int, last: int) -> int:
    """The printed number, unless it does not go up (a numbering error): then last + 1, so
    line numbers stay unique and increasing and no passage ends before it starts."""
    if printed > last:
        return printed
    log.info("printed line number %d after %d: numbered %d", printed, last, last + 1)
    return last + 1


def blocks_to_pledges(blocks: list[_Block], source: str) -> list[Pledge]:
    """Freeze parsed blocks into Pledges citing `source`."""
    return [
        Pledge(
            id=make_id(source, b.lines[0][0]),
            kind=b.kind,
            section=b.section,
            lead_in=b.lead_in,
            text=b.text,
            citations=(Citation(source, b.lines[0][0], b.lines[-1][0]),),
        )
        for b in blocks
    ]


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
    sections_file = corpus_dir / "sections.tsv"
    sections = parse_sections_tsv(sections_file.read_text(encoding="utf-8")) if sections_file.exists() else SectionTable()
    primary: list[Pledge] = []
    secondary: list[Pledge] = []
    for path in sorted(corpus_dir.glob("*.txt")):
        primary += parse_programme(path.read_text(encoding="utf-8"), path.stem, sections)
    for path in sorted(corpus_dir.glob("*.md")):
        if path.name.upper() == "README.MD":
            continue
        secondary += parse_motion(path.read_text(encoding="utf-8"), path.stem)
    if not primary and not secondary:
        raise FileNotFoundError(f"no corpus sources (*.txt, *.md) in {corpus_dir}")
    return merge_twins(primary, secondary)
