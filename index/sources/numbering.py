"""How each source numbers its lines (pure): file lines for the programme text, printed
line numbers for the motion.

`scan_motion` is the one reading of the motion's numbering; the parser, the app's source view
and the tests all use it, so a citation names exactly the number the reader sees.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Iterator

log = logging.getLogger(__name__)

BULLETS = ("●", "•")
_MOTION_NUMBERED = re.compile(r"^(?:-\s+)?(\d+)(?:\s+(.*))?$")
_MOTION_HEADING = re.compile(r"^##\s+(?:(\d+)\s+)?(.*)$")
_MD_ESCAPE = re.compile(r"\\([*_\\#\[\]()`-])")


@dataclass(frozen=True, slots=True)
class MotionLine:
    """One line of a motion as its reader sees it.

    kind: "title" (the "Titel:" line, before the text), "heading" (a "## …" heading inside
    the text), "line" (a numbered content line, possibly empty) or "blank" (a line without
    content inside the text, or an unnumbered heading's gap).
    number: the printed line number (None for title, blank and unnumbered headings); a
    content line without a printed number gets the previous number + 1 (`printed` False).
    text: the content without its number; markdown escapes and bold markers removed; an
    unnumbered "- …" list item becomes a "• …" bullet.
    """

    kind: str
    number: int | None
    text: str
    printed: bool = True


def _clean(raw: str) -> str:
    return _MD_ESCAPE.sub(r"\1", raw.strip()).replace("**", "")


def next_number(printed: int, last: int) -> int:
    """The printed number, unless it does not go up (a numbering error): then last + 1, so
    line numbers stay unique and increasing and no passage ends before it starts."""
    if printed > last:
        return printed
    log.info("printed line number %d after %d: numbered %d", printed, last, last + 1)
    return last + 1


def scan_motion(text: str) -> Iterator[MotionLine]:
    """The motion's lines with their numbers. Only the part after "## Text" is numbered; a
    numbered heading before it (a table of contents, a cover page) does not shift the text."""
    last = 0
    in_text = False
    for raw in text.split("\n"):
        stripped = _clean(raw)
        heading = _MOTION_HEADING.match(stripped)
        if not in_text:
            if heading and heading.group(2).strip() == "Text" and not heading.group(1):
                in_text = True
            elif stripped.startswith("Titel:"):
                yield MotionLine("title", None, stripped.split(":", 1)[1].strip())
            continue
        if heading:
            number = next_number(int(heading.group(1)), last) if heading.group(1) else None
            last = number or last
            yield MotionLine("heading", number, heading.group(2).strip())
            continue
        if not stripped:
            yield MotionLine("blank", None, "")
            continue
        numbered = _MOTION_NUMBERED.match(stripped)
        if numbered:
            last = next_number(int(numbered.group(1)), last)
            yield MotionLine("line", last, (numbered.group(2) or "").strip())
            continue
        last += 1
        content = stripped[2:].strip() if stripped.startswith("- ") else stripped
        log.info("motion line without printed number (%r…): numbered %d", content[:30], last)
        if stripped.startswith("- ") and not content.startswith(BULLETS):
            content = f"• {content}"
        yield MotionLine("line", last, content, printed=False)


def programme_lines(text: str) -> list[str]:
    """The programme's numbered lines: file line n is item n-1 (same split as the parser)."""
    return [line.rstrip() for line in text.split("\n")]


def motion_line_map(text: str) -> dict[int, str]:
    """Printed line number → line text of a motion in markdown (only its "## Text" part).

    Headings keep their words ("## 72 **Für …**" → 72: "Für …"), bullets their marker
    ("- 36 • den …" → 36: "• den …"); markdown escapes and bold markers are removed.
    """
    return {line.number: line.text for line in scan_motion(text) if line.number is not None}
