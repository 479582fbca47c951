"""Corpus-wide properties of the passage texts: quotes keep the spaces the source had."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from index.sources.parse import parse_corpus
from index.sources.pledge import Pledge

ROOT = Path(__file__).resolve().parent.parent
_LETTER_QUOTE = re.compile(r"(\w{1,4})([„“])")


@lru_cache(maxsize=1)
def _pledges() -> tuple[Pledge, ...]:
    return tuple(parse_corpus(ROOT / "corpus"))


def _sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.*")))


def test_no_letter_glued_to_an_opening_quote() -> None:
    """A letter directly before „ or “ in a passage stands so in the source too: the text
    joining never drops the space before an opening quote ("als “Sicherer Hafen”")."""
    raw = _sources()
    glued = []
    for p in _pledges():
        for text in (p.lead_in, p.text):
            for m in _LETTER_QUOTE.finditer(text):
                if m.group(0) not in raw:
                    glued.append(f"{p.id}: …{text[max(0, m.start() - 20):m.end() + 20]}…")
    assert not glued, "\n".join(glued)


def test_opening_quotes_of_the_programme_keep_their_space() -> None:
    texts = {p.id: p.text for p in _pledges()}
    assert "als “Sicherer Hafen”" in texts["wahlprogramm-2025:3649"]
    assert "eines “Grünes Klassenzimmers”" in texts["wahlprogramm-2025:4360"]
    assert "wie “WeQ" in texts["wahlprogramm-2025:3687"]
