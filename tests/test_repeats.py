"""Pledges the programme states twice are one passage citing every place (index/sources/twins.py)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from index.sources.parse import parse_corpus, parse_programme
from index.sources.pledge import Citation, Pledge
from index.sources.twins import merge_repeats
from qa.pipeline import QA

ROOT = Path(__file__).resolve().parent.parent
PROGRAMME = "wahlprogramm-2025"
# Every repeat in the programme, found by comparing all pledge pairs (word overlap ≥ 0.8,
# character similarity ≥ 0.95) and checked by reading: first place, repeated place.
REPEATS = {(132, 5237), (2357, 4385), (3286, 3431), (3316, 3487), (3438, 5142), (3667, 4879)}


@lru_cache(maxsize=1)
def _pledges() -> tuple[Pledge, ...]:
    return tuple(parse_corpus(ROOT / "corpus"))


def _norm(text: str) -> str:
    return " ".join(w.casefold() for w in re.findall(r"\w+", text))


def test_all_repeats_of_the_programme_are_merged() -> None:
    pairs = set()
    for p in _pledges():
        lines = [c.start_line for c in p.citations if c.source == PROGRAMME]
        pairs.update((lines[0], other) for other in lines[1:])
    assert pairs == REPEATS


def test_no_two_passages_say_the_same() -> None:
    seen: dict[str, str] = {}
    for p in _pledges():
        for key in (_norm(p.text), _norm(p.sentence)):
            assert key not in seen or seen[key] == p.id, f"{p.id} repeats {seen[key]}"
            seen[key] = p.id


def test_similar_but_different_pledges_stay_apart() -> None:
    by_id = {p.id: p for p in _pledges()}
    # Senior*innen vs Menschen mit Behinderung: the same offer for two groups, two pledges
    assert f"{PROGRAMME}:3504" in by_id and f"{PROGRAMME}:3555" in by_id
    ps = parse_programme("Wir werden\n● Angebote für Senior*innen schaffen.\n● Angebote für Kinder schaffen.\n"
                         "\nText.\n\nDaher werden wir\n● Angebote für Senior*innen schaffen\n", "prog")
    merged = merge_repeats(ps)
    assert [p.id for p in merged] == ["prog:2", "prog:3", "prog:5"]
    assert merged[0].citations == (Citation("prog", 2, 2), Citation("prog", 8, 8))


def test_a_result_list_never_shows_the_same_sentence_twice(fake_qa: QA) -> None:
    for question in ("Rechtsanspruch auf Schutz und Hilfe für Gewaltopfer", "Masterplan Integration",
                     "kostenlose öffentliche Toiletten rund um die Uhr", "DeutschlandTicket Schule kostenlos",
                     "Klimabeirat beratender Platz im Ausschuss", "Übergang vom Frauenhaus in eigenen Wohnraum"):
        hits = fake_qa.ask(question, top_k=10).hits
        texts = [_norm(h.pledge.text) for h in hits]
        assert len(texts) == len(set(texts)), question
        assert any(len([c for c in h.pledge.citations if c.source == PROGRAMME]) == 2 for h in hits[:3]), question
