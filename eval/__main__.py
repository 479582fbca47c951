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

from eval.baselines import PlainBM25
from eval.chart import style_chart
from eval.metrics import RankedHit
from eval.questions import Question, load_questions
from eval.run import K, details, qa_system, run_system, spans, summarise
from index.config import DEFAULT_MODEL, IndexConfig
from qa.pipeline import QA, QAConfig
from qa.rank import FusionConfig, top_rows
from qa.service import DEFAULT_ABSTENTION, load_abstention, open_qa

QUESTIONS = Path(__file__).resolve().parent / "questions"
REPORTS = Path(__file__).resolve().parent / "reports"


def questions_for(split: str, path: Path | None) -> list[Question]:
    if path is not None:
        return load_questions(path)
    names = ["dev", "test"] if split == "all" else [split]
    return [q for n in names for q in load_questions(QUESTIONS / f"{n}.jsonl")]


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
    """python -m eval export-feedback [--data-dir D] [--out FILE]: the app's helpful / not
    helpful votes as candidate labels (JSON Lines, one per question and pledge)."""
    from ui.feedback import open_feedback

    ap = argparse.ArgumentParser(prog="python -m eval export-feedback", description=export_feedback.__doc__)
    ap.add_argument("--data-dir", type=Path, default=Path(".nachgefragt"))
    ap.add_argument("--out", type=Path, help="write here instead of stdout")
    args = ap.parse_args(argv)
    rows = open_feedback(args.data_dir).export_candidates()
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"{len(rows)} candidate labels written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["export-feedback"]:
        return export_feedback(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["dev", "test", "all"], default="test")
    ap.add_argument("--questions", type=Path, help="another question file (overrides --split)")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--data-dir", type=Path, default=Path(".nachgefragt"))
    ap.add_argument("--corpus", type=Path, default=Path("corpus"))
    ap.add_argument("--out", type=Path, default=REPORTS)
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--w-lexical", type=float, default=None, help="override the fusion weight (tuning)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    questions = questions_for(args.split, args.questions)
    name = args.questions.stem if args.questions else args.split

    fusion = FusionConfig() if args.w_lexical is None else replace(FusionConfig(), w_lexical=args.w_lexical)
    full = open_qa(args.corpus, args.data_dir, args.model,
                   qa_config=QAConfig(fusion=fusion, abstention=load_abstention(DEFAULT_ABSTENTION)))
    systems = {}
    if not args.no_baselines:
        plain = PlainBM25(full.index.pledges)

        def bm25(question: str) -> tuple[list[RankedHit], bool, list[str]]:
            rows = top_rows(plain.scores(question), K)
            return [spans(full.index.pledges[r]) for r in rows], False, [full.index.pledges[r].id for r in rows]

        dense_config = QAConfig(fusion=FusionConfig(method="dense"))
        if full.index.manifest["config"].get("passage_context") == "none":
            dense = QA(full.index, full.embedder, dense_config)  # same vectors: plain pledge text
        else:
            dense = open_qa(args.corpus, args.data_dir, args.model, index_name="index-plain",
                            index_config=IndexConfig(passage_context="none"), qa_config=dense_config,
                            embedder=full.embedder)
        systems["BM25 (bm25s)"] = bm25
        systems["dense (e5, plain text)"] = qa_system(dense)
    systems["Nachgefragt (full)"] = qa_system(full)

    outcomes = {n: run_system(n, fn, questions) for n, fn in systems.items()}
    summaries = {n: summarise(o) for n, o in outcomes.items()}
    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "split": name, "questions": len(questions), "model": full.index.model_id,
        "index": {k: full.index.manifest[k] for k in ("format", "corpus_sha256", "config", "count")},
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
