"""Retrieval metrics as the batch contract's "Scoring" section defines them (pure).

A hit matches a label {source, line} when one of its citations has that source and
start_line <= line <= end_line. Labels are graded: 2 = direct answer, 1 = related.
A label is credited once: a later hit matching the same label earns nothing.
An abstained answer counts as "no answer" (no hits) for answerable questions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import mean
from typing import Sequence


@dataclass(frozen=True, slots=True)
class Label:
    source: str
    line: int
    grade: int


@dataclass(frozen=True, slots=True)
class Span:
    source: str
    start_line: int
    end_line: int


# A ranked hit, reduced to what scoring needs: its citations.
RankedHit = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class QuestionScore:
    """Scores of one question (answerable ones; None where not defined)."""

    ndcg10: float
    recall10: float
    mrr10: float
    success1: float
    success3: float
    success10: float


def matches(hit: RankedHit, label: Label) -> bool:
    return any(s.source == label.source and s.start_line <= label.line <= s.end_line for s in hit)


def _gains(hits: Sequence[RankedHit], labels: Sequence[Label], k: int) -> list[int]:
    credited: set[int] = set()
    gains = []
    for hit in hits[:k]:
        new = [i for i, lab in enumerate(labels) if i not in credited and matches(hit, lab)]
        credited.update(new)
        gains.append(max((labels[i].grade for i in new), default=0))
    return gains


def ndcg_at(hits: Sequence[RankedHit], labels: Sequence[Label], k: int = 10) -> float:
    """Graded nDCG@k (gain = grade, log2 discount)."""
    ideal = sorted((lab.grade for lab in labels if lab.grade > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    if idcg == 0:
        return 0.0
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(_gains(hits, labels, k)))
    return dcg / idcg


def recall_at(hits: Sequence[RankedHit], labels: Sequence[Label], k: int = 10) -> float:
    """Share of grade-2 labels matched by the top k hits."""
    direct = [lab for lab in labels if lab.grade == 2]
    if not direct:
        return 0.0
    found = sum(1 for lab in direct if any(matches(h, lab) for h in hits[:k]))
    return found / len(direct)


def first_direct_rank(hits: Sequence[RankedHit], labels: Sequence[Label]) -> int | None:
    """1-based rank of the first hit matching a grade-2 label, or None."""
    direct = [lab for lab in labels if lab.grade == 2]
    for rank, hit in enumerate(hits, start=1):
        if any(matches(hit, lab) for lab in direct):
            return rank
    return None


def score_question(hits: Sequence[RankedHit], labels: Sequence[Label]) -> QuestionScore:
    """All retrieval metrics of one answerable question."""
    rank = first_direct_rank(hits[:10], labels)
    return QuestionScore(
        ndcg10=ndcg_at(hits, labels, 10),
        recall10=recall_at(hits, labels, 10),
        mrr10=1.0 / rank if rank else 0.0,
        success1=1.0 if rank and rank <= 1 else 0.0,
        success3=1.0 if rank and rank <= 3 else 0.0,
        success10=1.0 if rank else 0.0,
    )


def average(scores: Sequence[QuestionScore]) -> dict[str, float]:
    """Mean of each metric (empty input gives zeros)."""
    fields = ("ndcg10", "recall10", "mrr10", "success1", "success3", "success10")
    if not scores:
        return {f: 0.0 for f in fields}
    return {f: mean(getattr(s, f) for s in scores) for f in fields}


def abstention_rates(unanswerable_abstained: Sequence[bool], answerable_abstained: Sequence[bool]) -> dict[str, float]:
    """Share of unanswerable questions abstained; share of answerable ones wrongly abstained."""
    return {
        "abstain_unanswerable": mean(unanswerable_abstained) if unanswerable_abstained else 0.0,
        "abstain_answerable": mean(answerable_abstained) if answerable_abstained else 0.0,
    }
