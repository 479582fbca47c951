"""Fusing dense and lexical evidence into one ranking (pure numpy)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class FusionConfig:
    """How dense and BM25 scores combine.

    method "zscore": w_dense·z(dense) + w_lexical·z(bm25) + w_bank·z(bank votes), each
    standardised over all passages for this question (cosines of e5 cluster near 0.8, so raw
    values say little); bank votes: the best similarity of a bank question tied to the passage;
    "rrf": reciprocal-rank fusion with constant `rrf_k`; "dense" / "lexical": one side only.
    """

    method: str = "zscore"
    w_dense: float = 1.0
    w_lexical: float = 0.15
    rrf_k: float = 60.0
    w_bank: float = 0.0


def zscore(scores: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
    """(v - mean) / std for `values` (default: the scores themselves), with mean and std over
    all of `scores` (every passage); zeros when the scores are flat."""
    values = scores if values is None else values
    std = float(scores.std())
    if std < 1e-9:
        return np.zeros_like(values, dtype=np.float32)
    return ((values - scores.mean()) / std).astype(np.float32)


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty_like(order)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def fuse(dense: np.ndarray, lexical: np.ndarray, config: FusionConfig, bank: np.ndarray | None = None) -> np.ndarray:
    """One score per passage, higher is better (`bank`: the bank's vote per passage, or None)."""
    if config.method == "dense":
        return dense.astype(np.float32)
    if config.method == "lexical":
        return lexical.astype(np.float32)
    has_lexical = bool(np.any(lexical > 0))
    if config.method == "rrf":
        fused = config.w_dense / (config.rrf_k + _ranks(dense))
        if has_lexical:
            fused = fused + config.w_lexical / (config.rrf_k + _ranks(lexical))
        return fused.astype(np.float32)
    if config.method == "zscore":
        fused = config.w_dense * zscore(dense)
        if has_lexical:
            fused = fused + config.w_lexical * zscore(lexical)
        if bank is not None and config.w_bank:
            fused = fused + config.w_bank * zscore(bank)
        return fused.astype(np.float32)
    raise ValueError(f"unknown fusion method {config.method!r}")


def top_rows(scores: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[int]:
    """Rows of the k best scores, best first; only rows where `allowed` is True."""
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
        k = min(k, int(allowed.sum()))
    k = min(k, len(scores))
    if k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k]
    return [int(r) for r in part[np.argsort(-scores[part], kind="stable")]]
