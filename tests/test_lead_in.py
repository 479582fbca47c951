"""Lead-in citations: every word of a hit stands at a cited line or at its lead-in's lines."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from index.sources.numbering import motion_line_map
from index.sources.parse import parse_corpus
from index.sources.pledge import Citation, LeadIn, Pledge, line_numbers
from index.sources.serialise import pledge_from_json, pledge_to_json
from qa.batch import hit_to_json
from qa.types import Hit
from ui.render import render_card
from ui.source import load_sources
from qa.wording import pledge_places

ROOT = Path(__file__).resolve().parent.parent
PROGRAMME = "wahlprogramm-2025"
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _pledges() -> tuple[Pledge, ...]:
    return tuple(parse_corpus(ROOT / "corpus"))


@lru_cache(maxsize=1)
def _lines() -> dict[str, dict[int, str]]:
    corpus = ROOT / "corpus"
    out: dict[str, dict[int, str]] = {}
    for path in corpus.glob("*.txt"):
        out[path.stem] = dict(enumerate(path.read_text(encoding="utf-8").split("\n"), start=1))
    for path in corpus.glob("*.md"):
        out[path.stem] = motion_line_map(path.read_text(encoding="utf-8"))
    return out


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text.replace("\\", ""))]


def _span_words(source: str, start: int, end: int) -> list[str]:
    lines = _lines()[source]
    return _words(" ".join(lines.get(n, "") for n in range(start, end + 1)))


def test_every_word_of_every_sentence_is_in_its_cited_or_lead_in_lines() -> None:
    missing = []
    for p in _pledges():
        c = p.primary
        lead = p.lead_in_at
        if p.kind == "pledge" and p.lead_in:
            assert lead is not None, f"{p.id}: lead-in {p.lead_in!r} without its place"
        place = _span_words(c.source, c.start_line, c.end_line)
        if lead is not None:
            place += _span_words(lead.source, lead.start_line, lead.end_line)
        joined = "".join(place)  # words broken at a line end ("Kreislaufwirt-" / "schaft")
        known = set(place)
        lost = [w for w in _words(p.sentence) if w not in known and w not in joined]
        if lost:
            missing.append(f"{p.id}: {lost}")
    assert not missing, "\n".join(missing[:20])


def test_lead_in_text_is_as_printed_and_stands_before_the_bullet() -> None:
    for p in _pledges():
        lead = p.lead_in_at
        if lead is None:
            continue
        assert lead.text == p.lead_in
        assert lead.source == p.primary.source
        assert lead.start_line <= lead.end_line < p.primary.start_line
        assert "".join(_words(lead.text)) in "".join(_span_words(lead.source, lead.start_line, lead.end_line))


def test_heat_pledge_cites_its_lead_in() -> None:
    by_id = {p.id: p for p in _pledges()}
    heat = next(p for p in _pledges() if p.lead_in.startswith("Um den enormen Anteil der Wärmeversorgung"))
    assert heat.lead_in_at is not None and heat.lead_in_at.end_line < heat.primary.start_line
    assert by_id[heat.id].sentence.startswith("Um den enormen Anteil der Wärmeversorgung")


def test_line_numbers_with_lead_in() -> None:
    c = Citation(PROGRAMME, 409, 411)
    assert line_numbers(c) == "Z. 409–411"
    assert line_numbers(c, LeadIn(PROGRAMME, 405, 405, "Daher werden wir")) == "Z. 405, 409–411"
    assert line_numbers(c, LeadIn(PROGRAMME, 407, 408, "Daher werden wir")) == "Z. 407–411"
    assert line_numbers(c, LeadIn("andere", 405, 405, "x")) == "Z. 409–411"
    assert c.label() == f"{PROGRAMME}, Z. 409–411"


def test_lead_in_in_index_rows_batch_cards_and_source_view() -> None:
    p = next(p for p in _pledges() if p.lead_in_at and p.lead_in_at.end_line + 1 < p.primary.start_line)
    assert pledge_from_json(json.loads(json.dumps(pledge_to_json(p)))) == p
    hit = hit_to_json(Hit(p, 1.0))
    lead = p.lead_in_at
    assert hit["lead_in"] == {"source": lead.source, "start_line": lead.start_line, "end_line": lead.end_line,
                              "text": lead.text}
    place = pledge_places(p)[0]
    assert f"Z. {lead.start_line}" in place and f", {p.primary.start_line}" in place
    card = render_card(Hit(p, 1.0), 1, load_sources(ROOT / "corpus"))
    assert f'<tr class="nf-einleitung"><th scope="row">{lead.start_line}</th>' in card
    no_lead = next(q for q in _pledges() if q.lead_in_at is None)
    assert "lead_in" not in hit_to_json(Hit(no_lead, 1.0))


def test_cli_shows_the_lead_in_lines() -> None:
    from qa.__main__ import format_answer
    from qa.types import Answer

    p = next(p for p in _pledges() if p.lead_in_at and p.lead_in_at.end_line + 1 < p.primary.start_line)
    out = format_answer(Answer("Frage", (Hit(p, 1.0),), False, "", used=(Hit(p, 1.0),)))
    from qa.wording import source_name

    assert f"→ {source_name(p.primary.source)}, Z. {p.lead_in_at.start_line}" in out
    assert f", {p.primary.start_line}" in out
