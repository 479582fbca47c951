"""One question in, one Answer out: the function the CLI, the app and the eval all call."""
from __future__ import annotations

from typing import TYPE_CHECKING

import logging
from dataclasses import dataclass

from index.store import LoadedIndex
from qa.answer import doorstep_answer
from qa.retrieve import dense_search, encode_query
from qa.types import Answer, Hit
from qa.validate import Limits, QuestionError, clean_question

if TYPE_CHECKING:
    from index.embed import Embedder

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class QAConfig:
    """Retrieval settings chosen at the edge (CLI, app, eval)."""

    candidates: int = 100
    limits: Limits = Limits()


class QA:
    """Answers questions over one loaded index with one embedder."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, config: QAConfig = QAConfig()) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config

    @property
    def chapters(self) -> list[str]:
        """Chapter titles in programme order, for a filter."""
        seen: dict[str, None] = {}
        for p in self.index.pledges:
            if p.section:
                seen.setdefault(p.section.split(" › ")[0], None)
        return list(seen)

    def ask(self, question: object, top_k: int = 5, chapter: str | None = None) -> Answer:
        """Answer one question; bad input gives an Answer with `error` set, never an exception."""
        raw = question if isinstance(question, str) else ""
        try:
            text = clean_question(question, self.config.limits)
        except QuestionError as exc:
            return Answer(question=raw, hits=(), abstained=True, text="", error=str(exc))
        top_k = max(1, int(top_k))
        hits = self.rank(text, top_k, chapter)
        return Answer(question=text, hits=hits, abstained=False, text=doorstep_answer(hits))

    def rank(self, question: str, top_k: int, chapter: str | None = None) -> tuple[Hit, ...]:
        """The best `top_k` passages for a cleaned question (optionally within one chapter)."""
        vector = encode_query(self.embedder, question)
        k = self.index.dense.ntotal if chapter else max(self.config.candidates, top_k)
        hits: list[Hit] = []
        for row, score in dense_search(self.index, vector, k):
            pledge = self.index.pledges[row]
            if chapter and not pledge.section.startswith(chapter):
                continue
            hits.append(Hit(pledge=pledge, score=score, dense_score=score))
            if len(hits) >= top_k:
                break
        return tuple(hits)
