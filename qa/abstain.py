"""Knowing when to say "Dazu steht nichts im Programm" (pure).

A logistic model over what the system knows about one question — how far the best dense
match stands out from all passages, how strong and how broad the lexical evidence is, the
margin between the first and second passage, and whether dense and lexical rankings agree —
calibrated on the dev questions (`python -m eval.calibrate`). Raw cosines alone cannot decide:
e5 gives ~0.8 to everything.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.rank import zscore

FEATURES = ("dense_top", "dense_z", "dense_margin", "lexical_top", "lexical_coverage", "fused_margin", "agreement",
            "top_overlap")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Features of one question's retrieval, in FEATURES order."""

    values: tuple[float, ...]

    def as_dict(self) -> dict[str, float]:
        return dict(zip(FEATURES, self.values))


def evidence(dense: np.ndarray, lexical: np.ndarray, fused: np.ndarray, coverage: float, overlap: float = 0.0) -> Evidence:
    """Compute the abstention features from the full score vectors of one question.

    coverage: share of the question's words the corpus knows; overlap: share found in the
    top passages themselves.
    """
    d_sorted = np.sort(dense)[::-1]
    f_sorted = np.sort(fused)[::-1]
    dz = zscore(dense)
    top_dense = set(np.argsort(-dense)[:10].tolist())
    top_lex = {r for r in np.argsort(-lexical)[:10].tolist() if lexical[r] > 0}
    return Evidence((
        float(d_sorted[0]),
        float(dz.max()),
        float(d_sorted[0] - d_sorted[min(4, len(d_sorted) - 1)]),
        float(math.log1p(max(0.0, float(lexical.max())))),
        float(coverage),
        float(f_sorted[0] - f_sorted[min(1, len(f_sorted) - 1)]),
        len(top_dense & top_lex) / 10.0,
        float(overlap),
    ))


@dataclass(frozen=True, slots=True)
class AbstentionModel:
    """P(answerable) = sigmoid(w·standardised(x) + bias) over the chosen `features`
    (a subset of FEATURES); abstain below `threshold`."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    features: tuple[str, ...] = FEATURES

    def probability(self, ev: Evidence) -> float:
        values = ev.as_dict()
        x = (np.asarray([values[f] for f in self.features]) - np.asarray(self.mean)) / np.asarray(self.scale)
        z = float(np.dot(self.weights, x) + self.bias)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def abstains(self, ev: Evidence) -> bool:
        return self.probability(ev) < self.threshold

    def to_json(self) -> dict[str, object]:
        return {"features": list(self.features), "weights": list(self.weights), "bias": self.bias,
                "mean": list(self.mean), "scale": list(self.scale), "threshold": self.threshold}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "AbstentionModel":
        features = tuple(data["features"])  # type: ignore[arg-type]
        unknown = set(features) - set(FEATURES)
        if unknown or not (len(features) == len(data["weights"]) == len(data["mean"]) == len(data["scale"])):  # type: ignore[arg-type]
            raise ValueError(f"abstention model does not fit this code's features ({sorted(unknown) or 'sizes differ'})")
        return cls(tuple(data["weights"]), float(data["bias"]), tuple(data["mean"]),  # type: ignore[arg-type]
                   tuple(data["scale"]), float(data["threshold"]), features)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path) -> "AbstentionModel":
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 3000, lr: float = 0.1) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """Plain L2-regularised logistic regression by gradient descent on standardised features.
    Returns (weights, bias, mean, scale)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    xs = (x - mean) / scale
    w = np.zeros(x.shape[1])
    b = 0.0
    n = len(y)
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xs @ w + b)))
        grad_w = xs.T @ (p - y) / n + l2 * w / n
        grad_b = float(np.mean(p - y))
        w -= lr * grad_w
        b -= lr * grad_b
    return w, b, mean, scale
