"""python -m eval [--split dev|test|all] — the system and its baselines on labelled questions.

Writes eval/reports/<split>.json (metrics by style and language, per-question details) and
eval/reports/<split>-ndcg-by-style.png, and prints a Markdown table.
`python -m eval export-feedback` exports the app's votes as candidate labels.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
from pathlib import Path
from typing import Callable

from eval.baselines import PlainBM25
from eval.chart import style_chart
from eval.encoders import openvino_queries, parse_encoders
from eval.metrics import RankedHit
from eval.questions import Question, questions_for
from eval.report import REPORTS, command_line, report_metadata
from eval.run import K, details, qa_system, run_system, spans, summarise
from index.models.names import E5_MODEL, GEMMA_MODEL
from index.defaults import DEFAULT_CORPUS, DEFAULT_DATA
from qa.pipeline import QA, QAConfig
from qa.rank import FusionConfig, top_rows
from qa.service import open_qa

TWIN_THRESHOLD = 0.90


def markdown_table(summaries: dict[str, dict]) -> str:
    head = "| method | nDCG@10 | Recall@10 | MRR@10 | Success@1 | Success@3 | unanswerable abstained | answerable wrongly abstained |"
    rows = [head, "|" + "---|" * 8]
    for name, s in summaries.items():
        o = s["overall"]
        m = o["strict"]
        rows.append(f"| {name} | {m['ndcg10']:.3f} | {m['recall10']:.3f} | {m['mrr10']:.3f} | {m['success1']:.3f} | "
                    f"{m['success3']:.3f} | {o['abstain_unanswerable']:.0%} | {o['abstain_answerable']:.0%} |")
        if o["abstain_answerable"] or o["abstain_unanswerable"]:
            r = o["ranking"]
            rows.append(f"| {name}, ranking only (abstention ignored) | {r['ndcg10']:.3f} | {r['recall10']:.3f} | "
                        f"{r['mrr10']:.3f} | {r['success1']:.3f} | {r['success3']:.3f} | – | – |")
    return "\n".join(rows)


def style_table(summaries: dict[str, dict]) -> str:
    methods = list(summaries)
    groups = [("style", k) for k in next(iter(summaries.values()))["by_style"]] + \
             [("lang", k) for k in next(iter(summaries.values()))["by_lang"]]
    rows = ["| group | n | " + " | ".join(f"{m} nDCG@10" for m in methods) + " |", "|" + "---|" * (2 + len(methods))]
    for kind, key in groups:
        block = summaries[methods[0]]["by_" + kind][key]
        if key == "unanswerable":
            vals = [f"abstained {summaries[m]['by_style'][key]['abstain_unanswerable']:.0%}" for m in methods]
        else:
            vals = [f"{summaries[m]['by_' + kind][key]['strict']['ndcg10']:.3f}" for m in methods]
        rows.append(f"| {kind}: {key} | {block['n']} | " + " | ".join(vals) + " |")
    return "\n".join(rows)


def export_feedback(argv: list[str]) -> int:
    """python -m eval export-feedback [--data-dir D] [--out FILE] [--candidates FILE]: the app's
    helpful / not helpful votes as candidate labels (JSON Lines, one per question and pledge),
    and the questions that got "nearest"/"nothing" or a "not helpful" vote as question-bank
    candidates for review (never added to the bank by this)."""
    from eval.candidates import bank_candidates
    from index.sources.bank import load_bank
    from ui.feedback import open_feedback

    ap = argparse.ArgumentParser(prog="python -m eval export-feedback", description=export_feedback.__doc__)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="its question bank: questions already there are left out")
    ap.add_argument("--out", type=Path, help="write here instead of stdout")
    ap.add_argument("--candidates", type=Path, help="bank candidates (default <data-dir>/bank-candidates.jsonl)")
    args = ap.parse_args(argv)
    store = open_feedback(args.data_dir)
    rows = store.export_candidates()
    candidates = bank_candidates(store.unanswered(), store.votes(), load_bank(args.corpus))
    target = args.candidates or args.data_dir / "bank-candidates.jsonl"
    target.write_text("".join(json.dumps(c.to_json(), ensure_ascii=False) + "\n" for c in candidates), encoding="utf-8")
    print(f"{len(candidates)} question-bank candidates for review written to {target}", file=sys.stderr)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"{len(rows)} candidate labels written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


MODEL_LABELS = {GEMMA_MODEL: "EmbeddingGemma", E5_MODEL: "e5-small"}


def systems_for(models: list[str], corpus: Path, data_dir: Path, encoders: tuple[str, ...] = ("torch",)
                ) -> tuple[dict[str, Callable], list[QA]]:
    """BM25 and, per model, its dense baseline and the full system, all sharing one index; the
    full system once per query encoder (`encoders`: "torch", "openvino" where there is an export)."""
    systems: dict[str, Callable] = {}
    opened = []
    for model in models:
        full = open_qa(corpus, data_dir, model)
        name = getattr(full.embedder, "name", model)
        label = MODEL_LABELS.get(name, name)
        opened.append(full)
        if not systems:
            plain = PlainBM25(full.index.pledges)

            def bm25(question: str, full: QA = full, plain: PlainBM25 = plain) -> tuple[list[RankedHit], bool, list[str]]:
                rows = top_rows(plain.scores(question), K)
                return [spans(full.index.pledges[r]) for r in rows], False, [full.index.pledges[r].id for r in rows]

            systems["BM25 (bm25s)"] = bm25
        systems[f"dense ({label})"] = qa_system(QA(full.index, full.embedder, QAConfig(fusion=FusionConfig(method="dense"))))
        # The figure that counts: every question scored with its near twins in the bank left out
        # (same text or cosine ≥ TWIN_THRESHOLD), so it measures people who ask differently.
        for encoder in encoders:
            if encoder == "torch":
                queries, shown = full.embedder, label
            else:
                queries = openvino_queries(full.embedder, data_dir, threads=2)
                if queries is None:
                    continue
                shown = f"{label}, OpenVINO int8"
            masked = QA(full.index, queries, replace(full.config, twin_threshold=TWIN_THRESHOLD), full.notices)
            systems[f"Nachgefragt ({shown}), no twin"] = qa_system(masked)
            systems[f"Nachgefragt ({shown})"] = qa_system(QA(full.index, queries, full.config, full.notices))
    return systems, opened


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["export-feedback"]:
        return export_feedback(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["dev", "test", "all"], default="test")
    ap.add_argument("--questions", type=Path, help="another question file (overrides --split)")
    ap.add_argument("--models", default=f"{GEMMA_MODEL},{E5_MODEL}",
                    help="comma-separated models to compare (default: EmbeddingGemma and e5-small)")
    ap.add_argument("--encoders", default="torch,openvino",
                    help="query encoders to score EmbeddingGemma with, comma-separated (torch: the in-process "
                         "PyTorch model; openvino: the int8 export the app serves with, where it exists)")
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=REPORTS)
    args = ap.parse_args(argv)
    try:
        encoders = parse_encoders(args.encoders)
    except ValueError as exc:
        ap.error(str(exc))
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    questions = questions_for(args.split, args.questions)
    name = args.questions.stem if args.questions else args.split

    systems, opened = systems_for([m for m in args.models.split(",") if m], args.corpus, args.data_dir, encoders)
    outcomes = {n: run_system(n, fn, questions) for n, fn in systems.items()}
    summaries = {n: summarise(o) for n, o in outcomes.items()}
    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "split": name, "questions": len(questions),
        "command": command_line("eval", argv),
        "meta": report_metadata(command_line("eval", argv), opened),
        "summaries": summaries,
        "details": {n: details(o) for n, o in outcomes.items()},
    }
    (args.out / f"{name}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    style_chart(summaries, args.out / f"{name}-ndcg-by-style.png", f"nDCG@10 by question style ({name}, n={len(questions)})")
    print(markdown_table(summaries))
    print()
    print(style_table(summaries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
