"""Joining PDF-extracted lines into clean text (pure string functions)."""
from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
# "“" closes a German quote („Wort“) but opens an English-style one (“Wort”): the space
# before it goes only when no word follows it directly.
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?)]|“(?![\w„“”]))")
# A line that ends in a hyphen right after a letter: a word broken at the line end, or a
# compound that keeps its hyphen ("E-" + "Scootern", "Nah-" + "und Fernwärme").
_BROKEN_WORD = re.compile(r"(\w)-$")
_KEEP_HYPHEN_BEFORE = re.compile(r"^(?:und|oder|bzw\.|sowie|als|bis|statt|u\.)\b")
# Endings after which a sentence (and so a passage) is complete.
_TERMINAL = re.compile(r"[.!?](?:[\"“”‘’»«)\]]*)$")


def fold_spaces(text: str) -> str:
    """Collapse runs of white space and drop spaces before closing punctuation."""
    text = _SPACES.sub(" ", text).strip()
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text)


def join_two(out: str, raw: str) -> str:
    """Append one wrapped line's content to the text so far, undoing line-end hyphenation.

    "Kreislaufwirt-" + "schaft" joins to "Kreislaufwirtschaft"; "E-" + "Scootern" keeps its
    hyphen ("E-Scootern"); "Geh-" + "und Radwege" keeps hyphen and space. Looks only at the
    end of `out`, so building a long text line by line stays linear.
    """
    part = fold_spaces(raw)
    if not part:
        return out
    if not out:
        return part
    if _BROKEN_WORD.search(out[-2:]) and not out.endswith(" -"):
        if _KEEP_HYPHEN_BEFORE.match(part):
            return f"{out} {part}"
        if part[:1].islower():
            return out[:-1] + part
        return out + part
    return f"{out} {part}"


def join_lines(parts: list[str]) -> str:
    """Join wrapped line contents into one text (see `join_two`)."""
    out = ""
    for raw in parts:
        out = join_two(out, raw)
    return out


def is_terminated(text: str) -> bool:
    """True when the text ends a sentence (., !, ? possibly followed by quotes/brackets)."""
    return bool(_TERMINAL.search(text[-20:].rstrip()))


def split_last_sentence(text: str) -> tuple[str, str]:
    """Split "A. B. Dafür werden wir" into ("A. B.", "Dafür werden wir").

    Used to separate a lead-in from the prose paragraph it closes. Sentence boundaries are
    terminal punctuation followed by a space and an upper-case letter or a digit.
    """
    boundaries = list(re.finditer(r"[.!?][\"“”)]*\s+(?=[A-ZÄÖÜ0-9„\"])", text))
    if not boundaries:
        return "", text.strip()
    cut = boundaries[-1].end()
    return text[:cut].strip(), text[cut:].strip()
