"""Curated, editorial section titles by line range (the PDF extraction lost the headings)."""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from index.sources.pledge import SECTION_SEPARATOR


@dataclass(frozen=True, slots=True)
class SectionRange:
    """Lines start_line..end_line (inclusive) belong to chapter › section."""

    start_line: int
    end_line: int
    chapter: str
    section: str

    @property
    def path(self) -> str:
        """"Chapter › Section" (just the chapter when the section is empty)."""
        return SECTION_SEPARATOR.join(p for p in (self.chapter, self.section) if p)


@dataclass(frozen=True, slots=True)
class SectionTable:
    """Sorted, non-overlapping ranges; looks up the section path of a line."""

    ranges: tuple[SectionRange, ...] = ()

    def path_for(self, line: int) -> str:
        """The section path of a line, or "" where the table has none."""
        starts = [r.start_line for r in self.ranges]
        i = bisect.bisect_right(starts, line) - 1
        if i >= 0 and self.ranges[i].start_line <= line <= self.ranges[i].end_line:
            return self.ranges[i].path
        return ""


def parse_sections_tsv(text: str) -> SectionTable:
    """Parse `corpus/sections.tsv` (comment lines start with "#", a header row, then
    start_line, end_line, chapter, section). Raises ValueError on malformed or overlapping rows.
    """
    rows: list[SectionRange] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#") or line.startswith("start_line"):
            continue
        cells = line.split("\t")
        if len(cells) < 3:
            raise ValueError(f"sections.tsv line {n}: expected 4 tab-separated columns")
        try:
            start, end = int(cells[0]), int(cells[1])
        except ValueError as exc:
            raise ValueError(f"sections.tsv line {n}: line numbers must be integers") from exc
        section = cells[3].strip() if len(cells) > 3 else ""
        rows.append(SectionRange(start, end, cells[2].strip(), section))
    rows.sort(key=lambda r: r.start_line)
    for a, b in zip(rows, rows[1:]):
        if b.start_line <= a.end_line:
            raise ValueError(f"sections.tsv: rows starting at {a.start_line} and {b.start_line} overlap")
    return SectionTable(tuple(rows))
