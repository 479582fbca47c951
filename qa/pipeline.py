"""One question in, one Answer out: the function the CLI, the app and the eval all call."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import numpy as np

from index.storage.store import LoadedIndex
from qa.abstain import AbstentionModel, Evidence, evidence
from qa.bank import BankEvidence, BankView, similar_questions
from qa.answer import doorstep_hits, doorstep_text, nearest_answer, nearest_hits
from qa.cache import AnswerCache, index_digest
from qa.language import detect_language
from qa.rank import FusionConfig, fuse, top_rows
from qa.retrieve import score_all
from qa.spell import Correction, SpellCorrector, passage_texts
from qa.types import Answer, Hit
from qa.validate import Limits, QuestionError, clean_question, clean_top_k, echo

if TYPE_CHECKING:
    from index.models.embed import Embedder

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class QAConfig:
    """Retrieval settings chosen at the edge (CLI, app, eval).

    abstention: the calibrated model deciding "nothing in the programme"; None never abstains.
    spelling: correct typos in German questions against the programme's vocabulary.
    twin_threshold: leave out the bank questions that are near twins of the asked one (same
        normalised text or cosine ≥ this): what the eval does, so its figures measure people who
        ask differently from the bank. None (the app): the whole bank counts.
    similar: how many similar bank questions an answer offers.
    """

    fusion: FusionConfig = field(default_factory=FusionConfig)
    abstention: AbstentionModel | None = None
    limits: Limits = field(default_factory=Limits)
    spelling: bool = True
    twin_threshold: float | None = None
    similar: int = 5


@dataclass(frozen=True, slots=True)
class Ask:
    """One question to answer: as given (validated by QA), how many hits, which chapter."""

    question: object
    top_k: int = 5
    chapter: str | None = None
    correct: bool = True


@dataclass(frozen=True, slots=True, eq=False)
class Prepared:
    """A question after the cheap steps (`QA.prepare`): `answer` is set when it is already
    answered (an error or a cache hit); otherwise `fix`, `top_k` and `chapter` are what the
    encoder pass needs. Two people asking the same question are two entries of a batch."""

    answer: Answer | None = None
    fix: Correction | None = None
    top_k: int = 5
    chapter: str | None = None


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ranked hits and the evidence the abstention decision looks at."""

    hits: tuple[Hit, ...]
    evidence: Evidence
    bank: BankEvidence
    # With a chapter filter: the best hits and evidence over ALL chapters (where else it is)
    everywhere: tuple[Hit, ...] = ()
    everywhere_evidence: Evidence | None = None


class QA:
    """Answers questions over one loaded index with one embedder."""

    def __init__(self, index: LoadedIndex, embedder: "Embedder", config: QAConfig = QAConfig(),
                 notices: tuple[str, ...] = (), cache: AnswerCache | None = None) -> None:
        """`notices`: what people should know about this setup (a model fallback, a missing
        calibration), shown in the app's footer and `index info`. `cache`: answers by cleaned
        question, chapter, top-k, model and index checksum (None: no cache)."""
        self.index = index
        self.notices = notices
        self.cache = cache
        self._index_digest = index_digest(index.manifest)
        self.embedder = embedder
        self.config = config
        self._chapter_of = np.array([p.chapter for p in index.pledges], dtype=object)
        self._chapters = tuple(dict.fromkeys(c for c in self._chapter_of if c))
        self._speller: SpellCorrector | None = None
        self.bank = BankView(index)

    @property
    def speller(self) -> SpellCorrector:
        """The spelling corrector over this index's passages (built on first use, ~1 s)."""
        if self._speller is None:
            self._speller = SpellCorrector.from_texts(passage_texts(self.index.pledges))
        return self._speller

    @property
    def chapters(self) -> list[str]:
        """Chapter titles in programme order, for a filter."""
        return list(self._chapters)

    def ask(self, question: object, top_k: int = 5, chapter: str | None = None, correct: bool = True) -> Answer:
        """Answer one question; bad input gives an Answer with `error` set, never an exception.

        German questions are searched with typos corrected (`Answer.corrected`), unless
        `correct` is False (the "search as typed" way back) or the config switches it off.
        """
        return self.ask_many([Ask(question, top_k, chapter, correct)])[0]

    def ask_many(self, asks: Sequence["Ask"]) -> list[Answer]:
        """Answer several questions at once: the ones not in the cache share one encoder pass
        (what the batch CLI uses). One Answer per Ask, in order."""
        return self.complete([self.prepare(ask) for ask in asks])

    def prepare(self, ask: "Ask") -> "Prepared":
        """Validate, correct and look up one question (cheap, no encoder): an error or a cached
        answer comes back ready; the rest is for `complete`. The app's request threads call
        this, so only the questions that need the encoder wait for a shared batch."""
        early, text, top_k = self._check(ask)
        if early is not None:
            return Prepared(early)
        fix = self._correct(text, ask.correct)
        cached = self.cache.get(self._key(fix, top_k, ask.chapter)) if self.cache else None
        return Prepared(cached, fix, top_k, ask.chapter)

    def complete(self, prepared: Sequence["Prepared"]) -> list[Answer]:
        """The answers of prepared questions; those not ready share one encoder pass."""
        answers = [p.answer for p in prepared]
        todo = [i for i, answer in enumerate(answers) if answer is None]
        if todo:
            vectors = self.embedder.encode_queries([prepared[i].fix.searched for i in todo])  # type: ignore[union-attr]
            for i, vector in zip(todo, vectors):
                p = prepared[i]
                answers[i] = self._answer(p.fix, p.top_k, p.chapter, vector)  # type: ignore[arg-type]
                if self.cache is not None:
                    self.cache.put(self._key(p.fix, p.top_k, p.chapter), answers[i])  # type: ignore[arg-type]
        return answers  # type: ignore[return-value]

    def _correct(self, text: str, correct: bool) -> Correction:
        """The question with its German typos corrected (unchanged when not asked for)."""
        language = detect_language(text)
        if not (correct and self.config.spelling):
            return Correction(text, language=language)
        return self.speller.correct(text, language)

    def _check(self, ask: "Ask") -> tuple[Answer | None, str, int]:
        """(an error Answer, "", 0) for a question that cannot be handled, else (None, cleaned
        text, top_k): a top_k that is not a whole number (NaN, inf, None, "x") is an error,
        whole numbers are clamped to 1…passages."""
        try:
            text = clean_question(ask.question, self.config.limits)
            top_k = clean_top_k(ask.top_k, len(self.index.pledges) or 1)
        except QuestionError as exc:
            return Answer(question=echo(ask.question, self.config.limits), hits=(), abstained=True, text="",
                          error=str(exc), outcome="nothing"), "", 0
        if ask.chapter is not None and not isinstance(ask.chapter, str):
            return Answer(question=text, hits=(), abstained=True, text="", outcome="nothing",
                          error="Das Kapitel muss als Text angegeben werden."), "", 0
        if ask.chapter and ask.chapter not in self._chapters:
            known = ", ".join(self.chapters)
            return Answer(question=text, hits=(), abstained=True, text="", outcome="nothing",
                          error=f"Unbekanntes Kapitel „{ask.chapter[:80]}“. Bekannte Kapitel: {known}."), "", 0
        return None, text, top_k

    def _key(self, fix: Correction, top_k: int, chapter: str | None) -> tuple:
        # The question as asked and as searched, exactly (EmbeddingGemma is case-sensitive, and an
        # answer carries its asker's own words into share links and votes): "search as typed" must
        # not get the corrected answer.
        return (fix.original, fix.corrected, chapter or "", top_k, self.index.model_id,
                self._index_digest)

    def _answer(self, fix: Correction, top_k: int, chapter: str | None, vector: np.ndarray | None) -> Answer:
        result = self.search(fix.searched, top_k, chapter, vector)
        model = self.config.abstention
        decision = model.decide(result.evidence) if model else None
        outcome = decision.outcome if decision else "answer"
        used = {"answer": doorstep_hits, "nearest": nearest_hits}.get(outcome, lambda hits: ())(result.hits)
        text_out = {"answer": doorstep_text, "nearest": nearest_answer}.get(outcome, lambda used: "")(used)
        reason = result.bank.reason() if outcome != "answer" else ""
        similar = similar_questions(result.bank, fix.original, self.config.similar)
        elsewhere: tuple[Hit, ...] = ()
        if chapter and outcome != "answer" and model and result.everywhere_evidence is not None \
                and model.decide(result.everywhere_evidence).outcome == "answer":
            elsewhere = tuple(h for h in result.everywhere if h.pledge.chapter != chapter)[:3]
        return Answer(question=fix.original, hits=result.hits, abstained=outcome != "answer", text=text_out,
                      used=used, outcome=outcome, confidence=decision.confidence if decision else None,
                      corrected=fix.corrected, corrections=fix.changes, language=fix.language,
                      reason=reason, similar=similar, elsewhere=elsewhere)

    def search(self, question: str, top_k: int, chapter: str | None = None,
               vector: np.ndarray | None = None, bank_mask: np.ndarray | None = None) -> SearchResult:
        """Rank all passages for a cleaned question (optionally within one chapter).

        `bank_mask`: bank rows to leave out (the calibration leaves out a bank question's own
        entry and its siblings); near twins are left out too when the config says so."""
        if vector is None:
            vector = self.embedder.encode_queries([question])[0]
        scores = score_all(self.index, self.embedder, question, vector)
        sims = self.bank.similarities(vector)
        masked = bank_mask
        if self.config.twin_threshold is not None and len(self.bank):
            twins = self.bank.twins(question, sims, self.config.twin_threshold)
            masked = twins if masked is None else (masked | twins)
        votes = self.bank.passage_votes(sims, masked) if self.config.fusion.w_bank else None
        bank = self.bank.evidence(sims, masked)
        fused = fuse(scores.dense, scores.lexical, self.config.fusion, votes)
        allowed = (self._chapter_of == chapter) if chapter else None
        hits, ev = self._ranked(scores, fused, bank, allowed, top_k)
        if not chapter:
            return SearchResult(hits, ev, bank)
        everywhere, everywhere_ev = self._ranked(scores, fused, bank, None, max(top_k, 5))
        return SearchResult(hits, ev, bank, everywhere, everywhere_ev)

    def _ranked(self, scores, fused: np.ndarray, bank: BankEvidence, allowed: np.ndarray | None,
                top_k: int) -> tuple[tuple[Hit, ...], Evidence]:
        """The top hits among the allowed rows and the abstention evidence for them."""
        rows = top_rows(fused, max(top_k, 5), allowed)
        hits = tuple(
            Hit(self.index.pledges[r], float(fused[r]), float(scores.dense[r]), float(scores.lexical[r]))
            for r in rows[:top_k]
        )
        overlap = self.index.lexical.overlap(scores.tokens, rows[:3])
        sections = [self.index.pledges[r].section for r in rows[:5]]
        return hits, evidence(scores.dense, scores.lexical, fused, scores.coverage, overlap, allowed=allowed,
                              top_sections=sections, question_tokens=len(scores.tokens), bank=bank, top=rows[:3])
