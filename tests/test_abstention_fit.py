"""The abstention fitting procedure (eval/abstention_fit.py) and the three outcomes (qa/abstain.py)."""
from __future__ import annotations

import numpy as np
import pytest

from eval.abstention_fit import FitConfig, fit_procedure, nested_cv, probabilities, score, threshold_for
from qa.abstain import FEATURES, AbstentionModel, Evidence, evidence

FAST = FitConfig(max_features=2, inner_folds=3, candidates=("dense_top", "dense_z", "dense_margin", "lexical_coverage"))


def _data(n: int = 90, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Answerable questions stand out in feature 1 ('dense_z'); the rest is noise."""
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(float)
    x = rng.normal(size=(n, len(FEATURES)))
    x[:, 1] += 2.5 * y
    return x, y


def test_threshold_refuses_at_most_the_allowed_share() -> None:
    probs = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
    y = np.ones(10)
    for share, refused in ((0.0, 0), (0.1, 1), (0.25, 2), (1.0, 10)):
        t = threshold_for(probs, y, share)
        assert int(np.sum(probs < t)) == refused


def test_procedure_finds_the_informative_feature_and_scores_it_honestly() -> None:
    x, y = _data()
    model = fit_procedure(x, y, FAST)
    assert model.features[0] == "dense_z"
    assert 0.0 <= model.nothing_threshold <= model.threshold <= 1.0
    oof, refused, chosen = nested_cv(x, y, FAST, folds=3, repeats=1)
    assert oof.auc > 0.9 and oof.caught > 0.6 and oof.wrong <= 0.2
    assert len(chosen) == 3 and refused.shape == y.shape
    fresh_x, fresh_y = _data(seed=1)
    held_out = score(model, fresh_x, fresh_y)
    assert held_out.caught > 0.6 and held_out.wrong < 0.25


def test_noise_gives_no_confident_separation() -> None:
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(80, len(FEATURES))), (np.arange(80) % 2).astype(float)
    oof, _, _ = nested_cv(x, y, FAST, folds=3, repeats=1)
    assert oof.auc < 0.75  # no leak of the held-out labels into the choices


def test_three_outcomes_and_round_trip() -> None:
    model = AbstentionModel((2.0,), 0.0, (0.0,), (1.0,), threshold=0.6, features=("dense_z",), nothing_threshold=0.2)
    def ev(z: float) -> Evidence:
        return Evidence(tuple(z if f == "dense_z" else 0.0 for f in FEATURES))
    assert model.decide(ev(2.0)).outcome == "answer" and not model.decide(ev(2.0)).abstained
    assert model.decide(ev(0.0)).outcome == "nearest" and model.decide(ev(0.0)).abstained
    assert model.decide(ev(-2.0)).outcome == "nothing"
    again = AbstentionModel.from_json(model.to_json())
    assert again == model
    assert probabilities(model, np.array([ev(0.0).values]))[0] == pytest.approx(0.5)


def test_filtered_candidates_are_measured_against_all_passages() -> None:
    dense = np.array([0.9, 0.5, 0.52, 0.51, 0.5, 0.49], dtype=np.float32)
    lexical = np.zeros(6, dtype=np.float32)
    everything = evidence(dense, lexical, dense, 0.5).as_dict()
    only_rest = evidence(dense, lexical, dense, 0.5, allowed=np.array([False, True, True, True, True, True])).as_dict()
    assert everything["dense_top"] == pytest.approx(0.9)
    assert only_rest["dense_top"] == pytest.approx(0.52)
    assert only_rest["dense_z"] < everything["dense_z"]  # same yardstick: all passages
    assert evidence(dense, lexical, dense, 0.5, top_sections=["A", "A", "B", "A", "C"]).as_dict()["section_share"] == 0.6
