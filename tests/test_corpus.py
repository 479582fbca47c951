"""Whole-corpus properties of the parse: nothing lost, nothing doubled, citations exact."""
from __future__ import annotations

import difflib
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest

from index.sources.numbering import motion_line_map
from index.sources.parse import is_page_number, parse_corpus
from index.sources.pledge import Pledge

PROGRAMME = "wahlprogramm-2025"
MOTION = "antrag-gleichberechtigung-und-engagement"
ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def _pledges() -> tuple[Pledge, ...]:
    return tuple(parse_corpus(ROOT / "corpus"))


@pytest.fixture(scope="module")
def pledges() -> tuple[Pledge, ...]:
    return _pledges()


# The programme's printed page numbers, read off the PDF text by eye (each stands right
# before a page break): the oracle blanks these lines and no others.
PAGE_NUMBER_LINES = {964, 1215, 2064, 2173, 2774, 5269}


def _source_lines(corpus_dir: Path, source: str) -> dict[int, str]:
    """Line number (the source's own numbering) → text of that line."""
    if source == PROGRAMME:
        text = (corpus_dir / f"{source}.txt").read_text(encoding="utf-8")
        return {n: ("" if n in PAGE_NUMBER_LINES else l) for n, l in enumerate(text.split("\n"), start=1)}
    return motion_line_map((corpus_dir / f"{source}.md").read_text(encoding="utf-8"))


def test_page_numbers_are_exactly_the_printed_ones(corpus_dir) -> None:
    raws = (corpus_dir / f"{PROGRAMME}.txt").read_text(encoding="utf-8").split("\n")
    assert {i + 1 for i in range(len(raws)) if is_page_number(raws, i)} == PAGE_NUMBER_LINES


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.replace("\\", "").casefold())]


def test_every_programme_bullet_is_exactly_one_pledge(pledges, corpus_dir) -> None:
    lines = (corpus_dir / f"{PROGRAMME}.txt").read_text(encoding="utf-8").split("\n")
    bullet_lines = {n for n, l in enumerate(lines, start=1) if l.strip().startswith("●")}
    # Bullets the PDF used for a lead-in ("● Um … gerecht zu werden, werden wir") complete
    # the pledges below them instead of standing alone.
    lead_in_bullets = {n for n in bullet_lines if re.search(r"werden wir\s*$", lines[n - 1])}
    assert lead_in_bullets == {4683}
    # a pledge the programme repeats is one passage citing each place
    starts = [c.start_line for p in pledges if p.kind == "pledge" for c in p.citations if c.source == PROGRAMME]
    assert len(starts) == len(set(starts))
    assert set(starts) == bullet_lines - lead_in_bullets


def test_every_motion_bullet_is_one_pledge_citing_both_sources(pledges, corpus_dir) -> None:
    text = (corpus_dir / f"{MOTION}.md").read_text(encoding="utf-8")
    bullet_numbers = {int(m) for m in re.findall(r"^- (\d+) •", text, flags=re.M)}
    assert len(bullet_numbers) == 96
    cited = defaultdict(list)
    for p in pledges:
        for c in p.citations:
            if c.source == MOTION and p.kind == "pledge":
                cited[c.start_line].append(p)
    # 96 numbered bullets plus the last one, which lacks a printed number (numbered 274)
    assert set(cited) == bullet_numbers | {274}
    assert all(len(v) == 1 for v in cited.values())
    for plist in cited.values():
        p = plist[0]
        sources = [c.source for c in p.citations]
        assert sources[0] == PROGRAMME and sources[-1] == MOTION and sources.count(MOTION) == 1
        assert any(3386 <= c.start_line <= 3704 for c in p.citations if c.source == PROGRAMME)


def test_no_line_belongs_to_two_passages(pledges) -> None:
    owner: dict[tuple[str, int], str] = {}
    for p in pledges:
        for c in p.citations:
            for line in range(c.start_line, c.end_line + 1):
                key = (c.source, line)
                assert key not in owner, f"{key} in {owner.get(key)} and {p.id}"
                owner[key] = p.id


def test_each_passage_text_is_found_in_its_cited_lines(pledges, corpus_dir) -> None:
    sources = {s: _source_lines(corpus_dir, s) for s in (PROGRAMME, MOTION)}
    for p in pledges:
        for c in p.citations:
            cited = " ".join(sources[c.source].get(n, "") for n in range(c.start_line, c.end_line + 1))
            cited_words = "".join(_words(cited))
            own = _words(p.text)
            if c == p.primary:
                # every word, in order, with hyphenated line ends joined
                assert "".join(own) in cited_words, f"{p.id} not found in {c}"
            else:
                # a twin (in another source, or repeated in the same one): the same words up to
                # small differences in wording
                mine = "".join(own)
                blocks = difflib.SequenceMatcher(None, mine, cited_words, autojunk=False).get_matching_blocks()
                ratio = sum(b.size for b in blocks) / len(mine)
                assert ratio >= 0.9, f"{p.id}: twin citation {c} does not hold its words ({ratio:.2f})"


def test_ids_unique_stable_and_well_formed(pledges) -> None:
    ids = [p.id for p in pledges]
    assert len(ids) == len(set(ids))
    for p in pledges:
        assert p.id == f"{p.primary.source}:{p.primary.start_line}"
    again = parse_corpus(ROOT / "corpus")
    assert [p.id for p in again] == ids
    # anchors that must never move (the batch contract's own example among them)
    by_id = {p.id: p for p in pledges}
    assert by_id["wahlprogramm-2025:3055"].sentence == (
        "Wir werden anstreben, dass der Flughafen langfristig abgewickelt und geschlossen wird."
    )
    assert by_id["wahlprogramm-2025:3679"].sentence == "Wir werden den Ehrenamtsfonds weiter aufstocken."


def test_every_passage_has_a_section_and_text(pledges) -> None:
    for p in pledges:
        assert p.section, p.id
        assert p.text.strip(), p.id
        assert p.kind in {"pledge", "text"}
        if p.kind == "pledge":
            assert p.lead_in, p.id


def test_prose_passages_hold_the_2035_target(pledges) -> None:
    prose = [p for p in pledges if p.kind == "text" and "Klimaneutralität" in p.text and "2035" in p.text]
    assert prose, "the 2035 climate-neutrality target stands only in prose and must be a passage"
