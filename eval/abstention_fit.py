"""Fitting the abstention model honestly (pure: arrays in, model and figures out).

One *procedure* turns labelled evidence into a shipped model: greedy forward selection of up
to `max_features` features by inner cross-validation, a class-weighted logistic regression
(scikit-learn) on standardised features, the "answer" threshold that refuses at most
`max_wrong` of the answerable questions, and the "nothing" threshold below which at most
`max_nothing_wrong` of them fall — all chosen on inner out-of-fold probabilities.
`nested_cv` scores that whole procedure on outer folds it never saw, so the reported figures
are honest; `fit_procedure` on all of dev gives the shipped model and its thresholds.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from qa.abstain import FEATURES, AbstentionModel


@dataclass(frozen=True, slots=True)
class FitConfig:
    """Targets and search limits of the procedure."""

    max_wrong: float = 0.08
    max_nothing_wrong: float = 0.02
    max_features: int = 3
    inner_folds: int = 5
    c: float = 1.0
    candidates: tuple[str, ...] = FEATURES  # features the selection may choose from


@dataclass(frozen=True, slots=True)
class Scores:
    """How a procedure did on held-out questions."""

    caught: float          # share of unanswerable questions that got "nearest" or "nothing"
    wrong: float           # share of answerable questions that did
    auc: float
    nothing_wrong: float   # share of answerable questions that got "nothing"


def fit_logistic(x: np.ndarray, y: np.ndarray, features: tuple[int, ...], c: float = 1.0) -> AbstentionModel:
    """Class-weighted logistic regression on standardised columns `features` (thresholds 0.5)."""
    cols = x[:, list(features)]
    scaler = StandardScaler().fit(cols)
    scale = np.where(scaler.scale_ > 1e-12, scaler.scale_, 1.0)
    lr = LogisticRegression(C=c, class_weight="balanced", max_iter=1000).fit((cols - scaler.mean_) / scale, y)
    return AbstentionModel(tuple(map(float, lr.coef_[0])), float(lr.intercept_[0]), tuple(map(float, scaler.mean_)),
                           tuple(map(float, scale)), 0.5, tuple(FEATURES[i] for i in features))


def probabilities(model: AbstentionModel, x: np.ndarray) -> np.ndarray:
    """P(answerable) for every row of the full feature matrix (the model's own formula)."""
    return model.probabilities(x)


def threshold_for(probs: np.ndarray, y: np.ndarray, max_wrong: float) -> float:
    """The highest threshold that refuses at most `max_wrong` of the answerable questions
    (abstain when p < threshold), placed midway between neighbouring probabilities."""
    pos = np.sort(probs[y == 1])
    if not len(pos):
        return 0.5
    allowed = int(np.floor(max_wrong * len(pos) + 1e-9))  # answerable questions we may refuse
    if allowed >= len(pos):
        return float(pos[-1]) + 1e-6
    upper = pos[allowed]
    lower = pos[allowed - 1] if allowed > 0 else max(0.0, upper - 1e-3)
    return float((lower + upper) / 2)


def inner_oof(x: np.ndarray, y: np.ndarray, features: tuple[int, ...], cfg: FitConfig, seed: int) -> np.ndarray:
    """Out-of-fold probabilities inside the training data."""
    probs = np.zeros(len(y))
    folds = StratifiedKFold(cfg.inner_folds, shuffle=True, random_state=seed)
    for train, test in folds.split(x, y):
        probs[test] = probabilities(fit_logistic(x[train], y[train], features, cfg.c), x[test])
    return probs


def _objective(probs: np.ndarray, y: np.ndarray, max_wrong: float) -> float:
    t = threshold_for(probs, y, max_wrong)
    return float(np.mean(probs[y == 0] < t)) + 0.1 * float(roc_auc_score(y, probs))


def select_features(x: np.ndarray, y: np.ndarray, cfg: FitConfig, seed: int = 0) -> tuple[int, ...]:
    """Greedy forward selection by inner out-of-fold objective (caught at max_wrong + 0.1·AUC)."""
    chosen: tuple[int, ...] = ()
    best = -np.inf
    while len(chosen) < cfg.max_features:
        trials = [(
            _objective(inner_oof(x, y, chosen + (j,), cfg, seed), y, cfg.max_wrong), chosen + (j,))
            for j in (FEATURES.index(f) for f in cfg.candidates) if j not in chosen]
        score, subset = max(trials)
        if score <= best + 1e-9:
            break
        best, chosen = score, subset
    return chosen


def fit_procedure(x: np.ndarray, y: np.ndarray, cfg: FitConfig, seed: int = 0) -> AbstentionModel:
    """Features, model and both thresholds from (x, y) alone."""
    features = select_features(x, y, cfg, seed)
    probs = inner_oof(x, y, features, cfg, seed)
    answer_t = threshold_for(probs, y, cfg.max_wrong)
    nothing_t = min(answer_t, threshold_for(probs, y, cfg.max_nothing_wrong))
    model = fit_logistic(x, y, features, cfg.c)
    return AbstentionModel(model.weights, model.bias, model.mean, model.scale, answer_t, model.features, nothing_t)


def score(model: AbstentionModel, x: np.ndarray, y: np.ndarray) -> Scores:
    probs = probabilities(model, x)
    refused = probs < model.threshold
    nothing = probs < model.nothing_threshold
    auc = float(roc_auc_score(y, probs)) if 0 < y.sum() < len(y) else 0.5
    return Scores(float(np.mean(refused[y == 0])), float(np.mean(refused[y == 1])), auc,
                  float(np.mean(nothing[y == 1])))


def nested_cv(x: np.ndarray, y: np.ndarray, cfg: FitConfig, folds: int = 5, repeats: int = 3
              ) -> tuple[Scores, np.ndarray, list[tuple[str, ...]]]:
    """Score the procedure on outer folds it never saw, pooled over all questions and
    `repeats` shuffles: (scores, share of repeats each question was refused in, the feature
    sets chosen per fold)."""
    refused = np.zeros(len(y))
    nothing = np.zeros(len(y))
    probs = np.zeros(len(y))
    chosen = []
    for r in range(repeats):
        outer = StratifiedKFold(folds, shuffle=True, random_state=100 + r)
        for train, test in outer.split(x, y):
            model = fit_procedure(x[train], y[train], cfg, seed=r)
            chosen.append(model.features)
            p = probabilities(model, x[test])
            probs[test] += p / repeats
            refused[test] += (p < model.threshold) / repeats
            nothing[test] += (p < model.nothing_threshold) / repeats
    pooled = Scores(float(refused[y == 0].mean()), float(refused[y == 1].mean()), float(roc_auc_score(y, probs)),
                    float(nothing[y == 1].mean()))
    return pooled, refused, chosen


# --- Trained on the question bank ------------------------------------------------------------
# The bank's thousands of labelled questions train the model; the dev questions (with their bank
# twins masked) only choose the thresholds, in outer folds, so the dev figures stay honest.


def fit_on_bank(x_bank: np.ndarray, y_bank: np.ndarray, cfg: FitConfig) -> AbstentionModel:
    """Class-weighted logistic regression on every candidate feature of the bank's questions."""
    return fit_logistic(x_bank, y_bank, tuple(FEATURES.index(f) for f in cfg.candidates), cfg.c)


def bank_oof(x_bank: np.ndarray, y_bank: np.ndarray, groups: np.ndarray, cfg: FitConfig, folds: int = 5) -> np.ndarray:
    """Out-of-fold probabilities on the bank, folds grouped by origin (a passage or section), so
    no question is scored by a model that saw its siblings."""
    probs = np.zeros(len(y_bank))
    for train, test in GroupKFold(folds).split(x_bank, y_bank, groups):
        probs[test] = probabilities(fit_on_bank(x_bank[train], y_bank[train], cfg), x_bank[test])
    return probs


def with_thresholds(model: AbstentionModel, probs: np.ndarray, y: np.ndarray, cfg: FitConfig) -> AbstentionModel:
    """The model with both thresholds chosen on (probs, y)."""
    answer_t = threshold_for(probs, y, cfg.max_wrong)
    nothing_t = min(answer_t, threshold_for(probs, y, cfg.max_nothing_wrong))
    return replace(model, threshold=answer_t, nothing_threshold=nothing_t)


def nested_thresholds(model: AbstentionModel, x: np.ndarray, y: np.ndarray, cfg: FitConfig, folds: int = 5,
                      repeats: int = 3) -> tuple[Scores, np.ndarray]:
    """Score a fixed (bank-trained) model on dev, thresholds chosen on the other dev folds only."""
    probs = probabilities(model, x)
    refused = np.zeros(len(y))
    nothing = np.zeros(len(y))
    for r in range(repeats):
        for train, test in StratifiedKFold(folds, shuffle=True, random_state=100 + r).split(x, y):
            fitted = with_thresholds(model, probs[train], y[train], cfg)
            refused[test] += (probs[test] < fitted.threshold) / repeats
            nothing[test] += (probs[test] < fitted.nothing_threshold) / repeats
    return Scores(float(refused[y == 0].mean()), float(refused[y == 1].mean()), float(roc_auc_score(y, probs)),
                  float(nothing[y == 1].mean())), refused
