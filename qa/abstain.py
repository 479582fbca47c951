"""Knowing when to say "Dazu steht nichts im Programm" (pure).

Evidence features describe how well the best candidates answer one question — how far the
best dense match stands out from all passages, the shape of the top-20, the lexical evidence
(does the programme use the question's words at all, do the top passages contain them),
whether dense and lexical rankings agree, whether the top hits share a section, and how long
the question is. A logistic model (fitted by `python -m eval.calibrate` with scikit-learn,
feature subset and thresholds chosen inside cross-validation folds) turns them into
P(answerable); two thresholds split that into three honest outcomes:

    p >= answer_threshold                    → "answer"  (pledges that answer it)
    nothing_threshold <= p < answer_threshold → "nearest" (not an answer; the nearest pledges)
    p < nothing_threshold                    → "nothing"

With a chapter filter only the allowed passages are candidates, but they are measured
against all passages, so a sports pledge never "answers" an airport question.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from qa.bank import BankEvidence
from qa.rank import zscore

FEATURES = ("dense_top", "dense_z", "dense_margin", "dense_gap", "dense_spread", "lexical_top", "lexical_z",
            "lexical_coverage", "top_overlap", "fused_margin", "agreement", "section_share", "question_tokens",
            "bank_answerable", "bank_unanswerable", "bank_difference", "bank_vote", "bank_points_top")
OUTCOMES = ("answer", "nearest", "nothing")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Features of one question's retrieval, in FEATURES order."""

    values: tuple[float, ...]

    def as_dict(self) -> dict[str, float]:
        return dict(zip(FEATURES, self.values))


def _standing(scores: np.ndarray, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(candidate scores sorted best first, the same as z-scores over ALL passages)."""
    cand = scores[allowed] if allowed is not None else scores
    ordered = np.sort(cand)[::-1] if len(cand) else np.zeros(1, dtype=np.float32)
    return ordered, zscore(scores, ordered)


def evidence(dense: np.ndarray, lexical: np.ndarray, fused: np.ndarray, coverage: float, overlap: float = 0.0,
             allowed: np.ndarray | None = None, top_sections: Sequence[str] = (), question_tokens: int = 0,
             bank: BankEvidence | None = None, top: Sequence[int] = ()) -> Evidence:
    """The abstention features from the full score vectors of one question.

    coverage: share of the question's words the corpus knows; overlap: share found in the top
    passages themselves; allowed: the candidate rows (chapter filter) or None for all;
    top_sections: sections of the top-5 hits, best first; question_tokens: content words asked;
    bank: what the question bank says (None: no bank); top: the best-ranked rows, best first
    (for whether the nearest answerable bank questions point at them).
    """
    d_sorted, d_z = _standing(dense, allowed)
    l_sorted, l_z = _standing(lexical, allowed)
    f_sorted, _ = _standing(fused, allowed)
    n = len(d_sorted)
    masked = (lambda s: np.where(allowed, s, -np.inf)) if allowed is not None else (lambda s: s)
    top_dense = set(np.argsort(-masked(dense))[:10].tolist())
    top_lex = {r for r in np.argsort(-masked(lexical))[:10].tolist() if lexical[r] > 0}
    share = (sum(s == top_sections[0] for s in top_sections) / len(top_sections)) if top_sections else 0.0
    return Evidence((
        float(d_sorted[0]),
        float(d_z[0]),
        float(d_sorted[0] - d_sorted[min(4, n - 1)]),
        float(d_sorted[0] - d_sorted[min(1, n - 1)]),
        float(d_z[0] - d_z[: min(20, n)].mean()),
        float(math.log1p(max(0.0, float(l_sorted[0])))),
        float(l_z[0]),
        float(coverage),
        float(overlap),
        float(f_sorted[0] - f_sorted[min(1, n - 1)]),
        len(top_dense & top_lex) / 10.0,
        float(share),
        float(math.log1p(question_tokens)),
        *_bank_features(bank, top),
    ))


def _bank_features(bank: BankEvidence | None, top: Sequence[int]) -> tuple[float, ...]:
    if bank is None:
        return (0.0, 0.0, 0.0, 0.5, 0.0)
    head = list(top[:3])
    points = sum(r in set(bank.pointed) for r in head) / len(head) if head else 0.0
    return (bank.answerable_top, bank.unanswerable_top, bank.difference, bank.vote, float(points))


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one question and the model's P(answerable)."""

    outcome: str
    confidence: float

    @property
    def abstained(self) -> bool:
        return self.outcome != "answer"


@dataclass(frozen=True, slots=True)
class AbstentionModel:
    """P(answerable) = sigmoid(w·standardised(x) + bias) over the chosen `features` (a subset
    of FEATURES); "answer" from `threshold` up, "nothing" below `nothing_threshold`."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    features: tuple[str, ...] = FEATURES
    nothing_threshold: float = 0.0

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """P(answerable) for every row of a feature matrix whose columns are FEATURES."""
        cols = np.asarray(x, dtype=np.float64)[:, [FEATURES.index(f) for f in self.features]]
        z = ((cols - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))

    def probability(self, ev: Evidence) -> float:
        return float(self.probabilities(np.asarray([ev.values]))[0])

    def decide(self, ev: Evidence) -> Decision:
        p = self.probability(ev)
        if p >= self.threshold:
            return Decision("answer", p)
        return Decision("nearest" if p >= self.nothing_threshold else "nothing", p)

    def to_json(self) -> dict[str, object]:
        return {"features": list(self.features), "weights": list(self.weights), "bias": self.bias,
                "mean": list(self.mean), "scale": list(self.scale), "threshold": self.threshold,
                "nothing_threshold": self.nothing_threshold}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "AbstentionModel":
        features = tuple(data["features"])  # type: ignore[arg-type]
        unknown = set(features) - set(FEATURES)
        if unknown or not (len(features) == len(data["weights"]) == len(data["mean"]) == len(data["scale"])):  # type: ignore[arg-type]
            raise ValueError(f"abstention model does not fit this code's features ({sorted(unknown) or 'sizes differ'})")
        return cls(tuple(data["weights"]), float(data["bias"]), tuple(data["mean"]),  # type: ignore[arg-type]
                   tuple(data["scale"]), float(data["threshold"]), features,  # type: ignore[arg-type]
                   float(data.get("nothing_threshold", 0.0)))  # type: ignore[arg-type]
