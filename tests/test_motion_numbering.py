"""The motion's numbering: one scanner for parser, source view and tests; generated motions."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from index.sources.numbering import motion_line_map, scan_motion
from index.sources.parse import parse_motion
from index.sources.pledge import Citation

_WORD = re.compile(r"\w+")


def _words(text: str) -> str:
    return "".join(w.casefold() for w in _WORD.findall(text))


def test_numbered_heading_before_the_text_does_not_shift_numbers() -> None:
    motion = "# Antrag\n\n## 9 Inhalt\n\n**Titel:** Engagement\n\n## Text\n\n1 Wir werden\n\n- 2 • den Fonds stärken.\n"
    ps = parse_motion(motion, "antrag")
    assert [p.primary for p in ps] == [Citation("antrag", 2, 2)]
    assert ps[0].section == "Engagement"
    assert motion_line_map(motion) == {1: "Wir werden", 2: "• den Fonds stärken."}


def test_scanner_kinds_and_inferred_numbers() -> None:
    motion = "**Titel:** T\n## Text\n1 Satz\n\n## 5 Kopf\n- Ohne Nummer.\n"
    lines = list(scan_motion(motion))
    assert [(l.kind, l.number, l.text, l.printed) for l in lines] == [
        ("title", None, "T", True), ("line", 1, "Satz", True), ("blank", None, "", True),
        ("heading", 5, "Kopf", True), ("line", 6, "• Ohne Nummer.", False), ("blank", None, "", True),
    ]


_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß", min_size=1, max_size=8)
_phrase = st.lists(_word, min_size=1, max_size=6).map(" ".join)
_item = st.one_of(
    st.tuples(st.just("line"), _phrase, st.sampled_from(["", ".", ":"])),
    st.tuples(st.just("bullet"), _phrase, st.sampled_from(["", "."])),
    st.tuples(st.just("heading"), _phrase, st.just("")),
    st.tuples(st.just("blank"), st.just(""), st.just("")),
    st.tuples(st.just("bare"), _phrase, st.just(".")),
)


def _motion(items: list[tuple[str, str, str]], jumps: list[int], heading_before: bool) -> str:
    out = ["# Kapitel", ""]
    if heading_before:
        out += ["## 40 Inhaltsverzeichnis", ""]
    out += ["**Titel:** Generiert", "", "## Text", ""]
    number = 0
    for i, (kind, words, end) in enumerate(items):
        number += 1 + jumps[i % len(jumps)]
        if kind == "line":
            out.append(f"{number} {words}{end}  ")
        elif kind == "bullet":
            out.append(f"- {number} • {words}{end}  ")
        elif kind == "heading":
            out.append(f"## {number} **{words.title()}**")
        elif kind == "bare":
            out.append(f"- {words}{end}")
        else:
            out.append("")
    return "\n".join(out) + "\n"


@settings(max_examples=150, deadline=None)
@given(st.lists(_item, min_size=1, max_size=30), st.lists(st.integers(-3, 2), min_size=1, max_size=5), st.booleans())
def test_generated_motions_cite_lines_that_hold_the_text(items, jumps, heading_before) -> None:
    motion = _motion(items, jumps, heading_before)
    lines = motion_line_map(motion)
    for p in parse_motion(motion, "antrag"):
        c = p.primary
        assert c.start_line <= c.end_line
        cited = " ".join(lines.get(n, "") for n in range(c.start_line, c.end_line + 1))
        assert _words(p.text) in _words(cited), (p, c, cited)
        assert lines.get(c.start_line), "a passage starts on a line the source view shows"
