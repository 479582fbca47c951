"""python -m eval.calibrate [--model M] — fit the abstention model on the dev questions.

Runs every dev question through the pipeline (the model's own fusion settings), collects the
evidence features (qa.abstain.FEATURES) and fits them with eval.abstention_fit: feature
selection and both thresholds are chosen inside cross-validation folds, and the whole
procedure is scored by nested cross-validation, so the out-of-fold figures written into the
calibration file are honest. The shipped model is the same procedure run on all of dev; its
thresholds are the ones it was chosen with. Writes only this model's file
(qa/calibration/<model>.json), keeping its fusion settings.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import numpy as np

from eval.abstention_fit import FitConfig, fit_procedure, nested_cv
from eval.questions import Question, load_questions
from index.config import DEFAULT_MODEL
from index.defaults import DEFAULT_CORPUS, DEFAULT_DATA
from qa.calibration import Calibration, calibration_path, save_calibration
from qa.pipeline import QA, QAConfig
from qa.rank import FusionConfig
from qa.service import calibration_for, open_qa
from qa.validate import clean_question

QUESTIONS = Path(__file__).resolve().parent / "questions"


def features_for(qa: QA, questions: list[Question]) -> tuple[np.ndarray, np.ndarray]:
    """(evidence matrix, 1 = answerable) for the questions."""
    x = np.array([qa.search(clean_question(q.question), 10).evidence.values for q in questions])
    y = np.array([1.0 if q.answerable else 0.0 for q in questions])
    return x, y


def by_miss_kind(questions: list[Question], refused: np.ndarray) -> dict[str, float]:
    """Out-of-fold share caught per kind of unanswerable question (eval/questions `miss`)."""
    kinds: dict[str, list[float]] = {}
    for q, r in zip(questions, refused):
        if not q.answerable:
            kinds.setdefault(q.miss or "unlabelled", []).append(float(r))
    return {k: round(float(np.mean(v)), 3) for k, v in sorted(kinds.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.calibrate", description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--max-wrong", type=float, default=FitConfig().max_wrong,
                    help="share of answerable dev questions the 'answer' threshold may refuse")
    ap.add_argument("--repeats", type=int, default=3, help="shuffles of the outer cross-validation")
    ap.add_argument("--out", type=Path, default=None, help="calibration file (default: qa/calibration/<model>.json)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    questions = load_questions(QUESTIONS / "dev.jsonl")  # calibration is tuning: dev only
    base = open_qa(args.corpus, args.data_dir, args.model)
    name = getattr(base.embedder, "name", args.model)
    out = args.out or calibration_path(name)
    previous = calibration_for(name, base.index.model_id, args.corpus, out).calibration
    fusion = previous.fusion if previous else FusionConfig()
    x, y = features_for(QA(base.index, base.embedder, QAConfig(fusion=fusion)), questions)
    cfg = FitConfig(max_wrong=args.max_wrong)
    oof, refused, chosen = nested_cv(x, y, cfg, repeats=args.repeats)
    model = fit_procedure(x, y, cfg)
    record = dict(previous.record) if previous else {}
    record["abstention"] = {
        "questions": "dev.jsonl", "n": len(y), "unanswerable": int((y == 0).sum()),
        "procedure": asdict(cfg) | {"outer_folds": 5, "repeats": args.repeats},
        "out_of_fold": {k: round(v, 3) for k, v in asdict(oof).items()},
        "out_of_fold_caught_by_miss_kind": by_miss_kind(questions, refused),
        "features_chosen_per_fold": dict(Counter(",".join(c) for c in chosen).most_common()),
        "command": f"python -m eval.calibrate --model {args.model}",
    }
    save_calibration(out, Calibration(base.index.model_id, str(base.index.manifest["corpus_sha256"]), fusion, model,
                                      record))
    print(json.dumps({"file": str(out), "features": model.features, "threshold": round(model.threshold, 4),
                      "nothing_threshold": round(model.nothing_threshold, 4), **record["abstention"]},
                     indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
