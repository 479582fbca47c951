"""Run question sets through the real system and the baselines; score; report."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Sequence

from tqdm import tqdm

from eval.metrics import RankedHit, Span, abstention_rates, average, score_question
from eval.questions import Question
from index.sources.pledge import Pledge
from qa.pipeline import QA

log = logging.getLogger(__name__)

K = 10


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one system did with one question."""

    question: Question
    hits: tuple[RankedHit, ...]
    hit_ids: tuple[str, ...]
    abstained: bool


def spans(p: Pledge) -> RankedHit:
    return tuple(Span(c.source, c.start_line, c.end_line) for c in p.citations)


def qa_system(qa: QA) -> Callable[[str], tuple[list[RankedHit], bool, list[str]]]:
    """The full pipeline (or a baseline configured as a QA) as a scoring function."""

    def run(question: str) -> tuple[list[RankedHit], bool, list[str]]:
        answer = qa.ask(question, K)
        return [spans(h.pledge) for h in answer.hits], answer.abstained, [h.pledge.id for h in answer.hits]

    return run


def run_system(name: str, fn: Callable[[str], tuple[list[RankedHit], bool, list[str]]], questions: Sequence[Question]) -> list[Outcome]:
    """Ask every question; returns one Outcome per question."""
    out = []
    for q in tqdm(questions, desc=name, leave=False, disable=None):
        hits, abstained, ids = fn(q.question)
        out.append(Outcome(q, tuple(hits), tuple(ids), abstained))
    return out


def summarise(outcomes: Sequence[Outcome]) -> dict[str, object]:
    """Metrics overall, by style and by language.

    `strict`: an abstained answer counts as no hits (the evaluator's view); `ranking`: the
    ranking alone, abstention ignored.
    """
    def block(items: Sequence[Outcome]) -> dict[str, object]:
        answerable = [o for o in items if o.question.answerable]
        unanswerable = [o for o in items if not o.question.answerable]
        strict = [score_question([] if o.abstained else list(o.hits), o.question.relevant) for o in answerable]
        ranking = [score_question(list(o.hits), o.question.relevant) for o in answerable]
        return {
            "n": len(items),
            "n_answerable": len(answerable),
            "strict": average(strict),
            "ranking": average(ranking),
            **abstention_rates([o.abstained for o in unanswerable], [o.abstained for o in answerable]),
        }

    by_style: dict[str, list[Outcome]] = {}
    by_lang: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_style.setdefault(o.question.style, []).append(o)
        by_lang.setdefault(o.question.lang, []).append(o)
    return {
        "overall": block(outcomes),
        "by_style": {k: block(v) for k, v in sorted(by_style.items())},
        "by_lang": {k: block(v) for k, v in sorted(by_lang.items())},
    }


def details(outcomes: Sequence[Outcome]) -> list[dict[str, object]]:
    """Per-question rows for inspecting failures."""
    rows = []
    for o in outcomes:
        s = score_question([] if o.abstained else list(o.hits), o.question.relevant)
        rows.append({
            "id": o.question.id, "style": o.question.style, "lang": o.question.lang,
            "question": o.question.question, "abstained": o.abstained,
            "ndcg10": round(s.ndcg10, 4) if o.question.answerable else None,
            "top": list(o.hit_ids[:5]),
            "wanted": [f"{lab.source}:{lab.line}/{lab.grade}" for lab in o.question.relevant if lab.grade == 2],
        })
    return rows
