"""The labelled question sets keep the rules of eval/questions/LABELLING.md that the tools do not
enforce: every unanswerable question says how it misses the programme ("miss"), answerable ones
do not, and each miss kind is split between dev and test in about the same proportion."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.questions import load_questions

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "questions"
MISSES = ("near_miss", "federal_state", "other_city", "people_party", "chitchat", "other_language", "keyword")


def _raw(split: str) -> list[dict]:
    path = QUESTIONS / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("split", ["dev", "test"])
def test_unanswerable_questions_name_their_miss_kind(split: str) -> None:
    for obj, q in zip(_raw(split), load_questions(QUESTIONS / f"{split}.jsonl")):
        if q.style == "unanswerable":
            assert not q.relevant, q.id
            assert obj.get("miss") in MISSES, f"{q.id}: miss {obj.get('miss')!r}"
            assert any(w in q.note.casefold() for w in ("search", "gesucht")), f"{q.id}: note must list what was searched"
            assert (obj["miss"] == "other_language") == (q.lang != "de"), q.id
        else:
            assert "miss" not in obj, f"{q.id}: answerable question with a miss kind"


def test_miss_kinds_are_split_evenly_and_dev_has_enough() -> None:
    dev = Counter(o["miss"] for o in _raw("dev") if o["style"] == "unanswerable")
    test = Counter(o["miss"] for o in _raw("test") if o["style"] == "unanswerable")
    assert sum(dev.values()) >= 65 and sum(test.values()) >= 65
    for kind in MISSES:
        total = dev[kind] + test[kind]
        assert total >= 8, kind
        assert abs(dev[kind] - test[kind]) <= max(2, total // 10), (kind, dev[kind], test[kind])
