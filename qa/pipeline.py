"""One question in, one Answer out: the function the CLI, the app and the eval all call."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from index.store import LoadedIndex
from qa.abstain import AbstentionModel, Evidence, evidence
from qa.answer import doorstep_answer, nearest_answer
from qa.rank import FusionConfig, fuse, top_rows
from qa.retrieve import score_all
from qa.types import Answer, Hit
from qa.validate import Limits, QuestionError, clean_question, echo

if TYPE_CHECKING:
    from index.embed import Embedder

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class QAConfig:
    """Retrieval settings chosen at the edge (CLI, app, eval).

    abstention: the calibrated model deciding "nothing in the programme"; None never abstains.
    """

    fusion: FusionConfig = field(default_factory=FusionConfig)
    abstention: AbstentionModel | None = None
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ranked hits and the evidence the abstention decision looks at."""

    hits: tuple[Hit, ...]
    evidence: Evidence


class QA:
    """Answers questions over one loaded index with one embedder."""

    def __init__(self, index: LoadedIndex, embedder: "Embedder", config: QAConfig = QAConfig(),
                 notices: tuple[str, ...] = ()) -> None:
        """`notices`: what people should know about this setup (a model fallback, a missing
        calibration), shown in the app's footer and `index info`."""
        self.index = index
        self.notices = notices
        self.embedder = embedder
        self.config = config
        self._chapter_of = np.array([p.section.split(" › ")[0] for p in index.pledges], dtype=object)
        self._chapters = tuple(dict.fromkeys(c for c in self._chapter_of if c))

    @property
    def chapters(self) -> list[str]:
        """Chapter titles in programme order, for a filter."""
        return list(self._chapters)

    def ask(self, question: object, top_k: int = 5, chapter: str | None = None) -> Answer:
        """Answer one question; bad input gives an Answer with `error` set, never an exception."""
        try:
            text = clean_question(question, self.config.limits)
        except QuestionError as exc:
            return Answer(question=echo(question, self.config.limits), hits=(), abstained=True, text="", error=str(exc),
                          outcome="nothing")
        if chapter and chapter not in self._chapters:
            known = ", ".join(self.chapters)
            return Answer(question=text, hits=(), abstained=True, text="", outcome="nothing",
                          error=f"Unbekanntes Kapitel „{chapter[:80]}“. Bekannte Kapitel: {known}.")
        result = self.search(text, max(1, int(top_k)), chapter)
        model = self.config.abstention
        decision = model.decide(result.evidence) if model else None
        abstained = bool(decision and decision.abstained)
        outcome = decision.outcome if decision else "answer"
        text_out = {"answer": doorstep_answer, "nearest": nearest_answer}.get(outcome, lambda hits: "")(result.hits)
        return Answer(question=text, hits=result.hits, abstained=abstained, text=text_out,
                      outcome=outcome,
                      confidence=decision.confidence if decision else None)

    def search(self, question: str, top_k: int, chapter: str | None = None) -> SearchResult:
        """Rank all passages for a cleaned question (optionally within one chapter)."""
        scores = score_all(self.index, self.embedder, question)
        fused = fuse(scores.dense, scores.lexical, self.config.fusion)
        allowed = (self._chapter_of == chapter) if chapter else None
        rows = top_rows(fused, max(top_k, 5), allowed)
        hits = tuple(
            Hit(self.index.pledges[r], float(fused[r]), float(scores.dense[r]), float(scores.lexical[r]))
            for r in rows[:top_k]
        )
        overlap = self.index.lexical.overlap(scores.tokens, rows[:3])
        sections = [self.index.pledges[r].section for r in rows[:5]]
        return SearchResult(hits, evidence(scores.dense, scores.lexical, fused, scores.coverage, overlap,
                                           allowed=allowed, top_sections=sections,
                                           question_tokens=len(scores.tokens)))
