"""Questions through the app's own path, for calibration and tuning.

Every question is validated and typo-corrected as `QA.ask` does (`QA.prepare`), embedded once,
and then searched with the pipeline's `search` — so the features the abstention model is fitted
on are the ones it sees in the app. Dev questions are searched with their near twins in the bank
masked (the QA's `twin_threshold`); bank questions with their own entry and their siblings (the
entries written from the same passage or section) masked as well.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
from tqdm import tqdm

from qa.pipeline import QA, Ask
from qa.rank import FusionConfig

_BATCH = 32


@dataclass(frozen=True, slots=True)
class Searched:
    """One question as the app searches it: its text after correction and its query vector;
    `mask`: bank rows to leave out (its own entry and siblings), None for outside questions."""

    text: str
    vector: np.ndarray
    mask: np.ndarray | None = None


def prepared_texts(qa: QA, questions: Sequence[str]) -> list[str]:
    """The texts the app would search (validated, typo-corrected)."""
    out = []
    for q in questions:
        p = qa.prepare(Ask(q, 10))
        out.append(p.fix.searched if p.fix is not None else q)
    return out


def searched_questions(qa: QA, questions: Sequence[str], desc: str = "questions") -> list[Searched]:
    """Outside questions (dev/test) through the app's path, embedded in batches."""
    texts = prepared_texts(qa, questions)
    vectors = []
    for start in tqdm(range(0, len(texts), _BATCH), desc=desc, disable=None, leave=False):
        vectors.extend(qa.embedder.encode_queries(texts[start:start + _BATCH]))
    return [Searched(t, np.asarray(v, dtype=np.float32)) for t, v in zip(texts, vectors)]


def searched_bank(qa: QA, mask: str = "siblings") -> list[Searched]:
    """Every bank question through the app's path: its stored vector (embedded as asked) unless
    typo correction changes its text, then embedded anew. Masked (beside its near twins, which
    the QA's twin_threshold leaves out): "siblings" — itself and every entry written from the
    same passage or section; "self" — itself only (what an outside question sees: the other
    questions about its passage stay)."""
    bank = qa.bank
    texts = prepared_texts(qa, [e.question for e in bank.entries])
    changed = [j for j, (t, e) in enumerate(zip(texts, bank.entries)) if t != e.question]
    vectors = bank.matrix.copy()
    for start in tqdm(range(0, len(changed), _BATCH), desc="bank (corrected)", disable=None, leave=False):
        rows = changed[start:start + _BATCH]
        vectors[rows] = qa.embedder.encode_queries([texts[j] for j in rows])
    def masked(j: int) -> np.ndarray:
        if mask == "siblings":
            return bank.siblings(j)
        own = np.zeros(len(texts), dtype=bool)
        own[j] = True
        return own

    return [Searched(texts[j], vectors[j], masked(j)) for j in range(len(texts))]


def with_fusion(qa: QA, fusion: FusionConfig) -> QA:
    """The same index, embedder and abstention with another fusion (sharing the bank view)."""
    other = QA(qa.index, qa.embedder, replace(qa.config, fusion=fusion), qa.notices)
    other.bank = qa.bank
    other._speller = qa._speller
    return other


def features(qa: QA, items: Sequence[Searched], desc: str = "features") -> np.ndarray:
    """The abstention evidence of every item (rows in qa.abstain.FEATURES order)."""
    rows = [qa.search(s.text, 10, None, s.vector, s.mask).evidence.values
            for s in tqdm(items, desc=desc, disable=None, leave=False)]
    return np.asarray(rows, dtype=np.float64)


def rankings(qa: QA, items: Sequence[Searched], k: int = 10) -> list[list[int]]:
    """The top-k passage rows of every item (ranking only)."""
    row_of = {p.id: i for i, p in enumerate(qa.index.pledges)}
    return [[row_of[h.pledge.id] for h in qa.search(s.text, k, None, s.vector, s.mask).hits] for s in items]
