"""python -m eval.calibrate — fit the abstention model on the dev questions.

Features come from the full pipeline (qa.abstain.FEATURES). For every subset of up to three
features, a logistic model is scored on out-of-fold probabilities (5-fold cross-validation on
dev, 3 shuffles): the threshold that abstains on the most unanswerable questions while refusing
at most `--max-wrong` of the answerable ones. The best subset (ties: higher AUC) is then fitted
on all of dev. Writes the abstention part of the model's own calibration file
(qa/calibration/<model>.json; other models' files are left alone), keeping its fusion settings.
"""
from __future__ import annotations

import argparse
import itertools
import json
import logging
import sys
from pathlib import Path

import numpy as np

from eval.questions import load_questions
from index.config import DEFAULT_MODEL
from qa.abstain import FEATURES, AbstentionModel, fit_logistic
from qa.calibration import Calibration, calibration_path, save_calibration
from qa.pipeline import QA, QAConfig
from qa.rank import FusionConfig
from qa.service import calibration_for, open_qa
from qa.validate import clean_question

QUESTIONS = Path(__file__).resolve().parent / "questions"


def out_of_fold(x: np.ndarray, y: np.ndarray, folds: int = 5, seed: int = 0) -> np.ndarray:
    """P(answerable) for each row from a model that did not see it."""
    order = np.random.default_rng(seed).permutation(len(y))
    probs = np.zeros(len(y))
    for f in range(folds):
        test = order[f::folds]
        train = np.setdiff1d(order, test)
        w, b, mean, scale = fit_logistic(x[train], y[train])
        probs[test] = 1 / (1 + np.exp(-(((x[test] - mean) / scale) @ w + b)))
    return probs


def choose_threshold(probs: np.ndarray, y: np.ndarray, max_wrong: float) -> tuple[float, float, float]:
    """(threshold, share of unanswerable abstained, share of answerable refused)."""
    best = (0.0, 0.0, 0.0)
    for t in np.unique(np.concatenate([probs, [0.0]])):
        t = float(t)
        wrong = float(np.mean(probs[y == 1] < t)) if np.any(y == 1) else 0.0
        caught = float(np.mean(probs[y == 0] < t)) if np.any(y == 0) else 0.0
        if wrong <= max_wrong and (caught, -wrong) > (best[1], -best[2]):
            best = (t, caught, wrong)
    return best


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    """Probability that an answerable question scores above an unanswerable one."""
    pos, neg = scores[y == 1], scores[y == 0]
    if not len(pos) or not len(neg):
        return 0.5
    return float(np.mean((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])))


def select_features(x: np.ndarray, y: np.ndarray, max_wrong: float, max_size: int = 3) -> tuple[tuple[int, ...], float, float, float, float]:
    """(feature indices, threshold, caught, wrong, auc) of the best subset, out of fold."""
    best: tuple[tuple[int, ...], float, float, float, float] = ((), 0.0, 0.0, 0.0, 0.0)
    for size in range(1, max_size + 1):
        for subset in itertools.combinations(range(x.shape[1]), size):
            probs = np.mean([out_of_fold(x[:, subset], y, seed=s) for s in range(3)], axis=0)
            threshold, caught, wrong = choose_threshold(probs, y, max_wrong)
            score = auc(probs, y)
            if (caught, score) > (best[2], best[4]):
                best = (subset, threshold, caught, wrong, score)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.calibrate", description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=Path, default=QUESTIONS / "dev.jsonl")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--data-dir", type=Path, default=Path(".nachgefragt"))
    ap.add_argument("--max-wrong", type=float, default=0.08, help="allowed share of answerable questions refused (on dev)")
    ap.add_argument("--out", type=Path, default=None, help="calibration file (default: qa/calibration/<model>.json)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    questions = load_questions(args.questions)
    base = open_qa(data_dir=args.data_dir, model=args.model)
    name = base.embedder.name  # type: ignore[attr-defined]
    out = args.out or calibration_path(name)
    previous = calibration_for(name, base.index.model_id, Path("corpus"), out).calibration
    fusion = previous.fusion if previous else FusionConfig()
    qa = QA(base.index, base.embedder, QAConfig(fusion=fusion))
    x = np.array([qa.search(clean_question(q.question), 10).evidence.values for q in questions])
    y = np.array([1.0 if q.answerable else 0.0 for q in questions])
    subset, threshold, caught, wrong, score = select_features(x, y, args.max_wrong)
    w, b, mean, scale = fit_logistic(x[:, subset], y)
    names = tuple(FEATURES[i] for i in subset)
    model = AbstentionModel(tuple(map(float, w)), float(b), tuple(map(float, mean)), tuple(map(float, scale)),
                            threshold, names)
    record = dict(previous.record) if previous else {}
    record["abstention"] = {
        "questions": str(args.questions.name), "n": len(y), "unanswerable": int((y == 0).sum()),
        "out_of_fold_unanswerable_abstained": round(caught, 3), "out_of_fold_answerable_refused": round(wrong, 3),
        "out_of_fold_auc": round(score, 3), "command": f"python -m eval.calibrate --model {args.model}",
    }
    save_calibration(out, Calibration(qa.index.model_id, str(qa.index.manifest["corpus_sha256"]), fusion, model, record))
    print(json.dumps({"file": str(out), "threshold": threshold, "dev_unanswerable_abstained": caught,
                      "dev_answerable_refused": wrong, "out_of_fold_auc": score,
                      "weights": dict(zip(names, model.weights))}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
