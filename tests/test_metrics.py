"""Metrics against hand-computed values."""
import math

import pytest

from eval.metrics import Label, Span, abstention_rates, average, first_direct_rank, ndcg_at, recall_at, score_question

P = "prog"


def hit(start: int, end: int | None = None, source: str = P):
    return (Span(source, start, end if end is not None else start),)


LABELS = [Label(P, 10, 2), Label(P, 20, 2), Label(P, 30, 1)]


def test_match_is_by_line_range_and_source() -> None:
    assert recall_at([hit(8, 12)], LABELS) == 0.5
    assert recall_at([hit(10, source="other")], LABELS) == 0.0
    twin = (Span("other", 1, 2), Span(P, 19, 21))
    assert recall_at([twin], LABELS) == 0.5


def test_ndcg_perfect_and_hand_computed() -> None:
    assert ndcg_at([hit(10), hit(20), hit(30)], LABELS) == pytest.approx(1.0)
    idcg = 2 + 2 / math.log2(3) + 1 / math.log2(4)
    dcg = 0 + 2 / math.log2(3) + 0  # a miss, then a direct answer, then a repeat
    assert ndcg_at([hit(99), hit(20), hit(20)], LABELS) == pytest.approx(dcg / idcg)
    assert ndcg_at([], LABELS) == 0.0
    assert ndcg_at([hit(10)], []) == 0.0


def test_cutoff_at_ten() -> None:
    hits = [hit(100 + i) for i in range(10)] + [hit(10)]
    s = score_question(hits, LABELS)
    assert s.recall10 == 0 and s.mrr10 == 0 and s.success10 == 0 and s.ndcg10 == 0


def test_mrr_and_success() -> None:
    hits = [hit(30), hit(99), hit(20)]
    assert first_direct_rank(hits, LABELS) == 3  # grade 1 does not count
    s = score_question(hits, LABELS)
    assert (s.mrr10, s.success1, s.success3) == (pytest.approx(1 / 3), 0.0, 1.0)
    avg = average([s, score_question([hit(10)], LABELS)])
    assert avg["success1"] == 0.5 and avg["mrr10"] == pytest.approx((1 / 3 + 1) / 2)


def test_abstention_rates() -> None:
    r = abstention_rates([True, True, False, True], [False, False, False, False, True])
    assert r == {"abstain_unanswerable": 0.75, "abstain_answerable": 0.2}
