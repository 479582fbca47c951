"""How each source numbers its lines (pure): file lines for the programme text, printed
line numbers for the motion. One definition for the app's source view and the tests."""
from __future__ import annotations

import re

_BULLETS = ("●", "•")
_MOTION_NUMBERED = re.compile(r"^(?:-\s+)?(\d+)(?:\s+(.*))?$")
_MOTION_HEADING = re.compile(r"^##\s+(?:(\d+)\s+)?(.*)$")
_MD_ESCAPE = re.compile(r"\\([*_\\#\[\]()`-])")


def programme_lines(text: str) -> list[str]:
    """The programme's numbered lines: file line n is item n-1 (same split as the parser)."""
    return [line.rstrip() for line in text.split("\n")]


def motion_line_map(text: str) -> dict[int, str]:
    """Printed line number → line text of a motion in markdown (only its "## Text" part).

    Headings keep their words ("## 72 **Für …**" → 72: "Für …"), bullets their marker
    ("- 36 • den …" → 36: "• den …"); markdown escapes and bold markers are removed.
    """
    lines: dict[int, str] = {}
    last = 0
    in_text = False
    for raw in text.split("\n"):
        stripped = _MD_ESCAPE.sub(r"\1", raw.strip()).replace("**", "")
        heading = _MOTION_HEADING.match(stripped)
        if heading:
            if heading.group(2).strip() == "Text" and not heading.group(1):
                in_text = True
            elif in_text and heading.group(1):
                last = int(heading.group(1))
                lines[last] = heading.group(2).strip()
            continue
        if not in_text or not stripped:
            continue
        numbered = _MOTION_NUMBERED.match(stripped)
        if numbered:
            last = int(numbered.group(1))
            lines[last] = (numbered.group(2) or "").strip()
        else:
            last += 1
            content = stripped[2:].strip() if stripped.startswith("- ") else stripped
            if stripped.startswith("- ") and not content.startswith(_BULLETS):
                content = f"• {content}"
            lines[last] = content
    return lines
