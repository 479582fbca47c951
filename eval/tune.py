"""python -m eval.tune — compare retrieval variants on the dev questions in one run.

Embeds every question once, keeps the full score vectors (dense over passages with section
context, dense over plain passages, German BM25), and scores fusion variants offline, so a
grid of settings costs seconds. Prints a Markdown table (strict = ranking only here: no
abstention). Used to choose FusionConfig; the chosen setting is then confirmed with
`python -m eval --split test`.
"""
from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval.metrics import average, score_question
from eval.questions import load_questions
from eval.run import spans
from index.config import DEFAULT_MODEL, IndexConfig
from qa.pipeline import QAConfig
from qa.rank import FusionConfig, fuse, top_rows
from qa.service import open_qa
from qa.validate import clean_question

QUESTIONS = Path(__file__).resolve().parent / "questions"


@dataclass(frozen=True)
class Cached:
    style: str
    labels: tuple
    dense_section: np.ndarray
    dense_plain: np.ndarray
    lexical: np.ndarray
    sym_plain: np.ndarray


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.tune")
    ap.add_argument("--questions", type=Path, default=QUESTIONS / "dev.jsonl")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--data-dir", type=Path, default=Path(".nachgefragt"))
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    qs = [q for q in load_questions(args.questions) if q.answerable]
    full = open_qa(data_dir=args.data_dir, model=args.model, qa_config=QAConfig())
    plain = open_qa(data_dir=args.data_dir, model=args.model, index_name="index-plain",
                    index_config=IndexConfig(passage_context="none"), qa_config=QAConfig(), embedder=full.embedder)
    assert [p.id for p in full.index.pledges] == [p.id for p in plain.index.pledges]
    pledges = full.index.pledges
    cache = []
    m_section = np.asarray(full.index.dense.reconstruct_n(0, len(pledges)))
    m_plain = np.asarray(plain.index.dense.reconstruct_n(0, len(pledges)))
    for q in qs:
        text = clean_question(q.question)
        vec = full.embedder.encode_queries([text])[0]
        sym = full.embedder.encode_passages([text])[0]
        cache.append(Cached(q.style, q.relevant, m_section @ vec, m_plain @ vec, full.index.lexical.scores(text), m_plain @ sym))

    # the prose passage that introduces each pledge (nearest text passage before it, same section)
    intro = np.arange(len(pledges))
    last_text = -1
    for i, p in enumerate(pledges):
        if p.kind == "text":
            last_text = i
        elif last_text >= 0 and pledges[last_text].section == p.section and p.primary.source == pledges[last_text].primary.source:
            intro[i] = last_text

    def prf(scores: np.ndarray, matrix: np.ndarray, k: int = 3, beta: float = 0.5) -> np.ndarray:
        top = np.argsort(-scores)[:k]
        return scores + beta * (matrix[top].mean(axis=0) @ matrix.T)

    def evaluate(make) -> tuple[float, dict[str, float]]:
        per_style: dict[str, list] = {}
        scores = []
        for c in cache:
            rows = top_rows(make(c), 10)
            s = score_question([spans(pledges[r]) for r in rows], c.labels)
            scores.append(s)
            per_style.setdefault(c.style, []).append(s)
        return average(scores), {k: average(v)["ndcg10"] for k, v in per_style.items()}

    variants = {
        "dense plain": lambda c: c.dense_plain,
        "dense section": lambda c: c.dense_section,
        "dense plain+section": lambda c: c.dense_plain + c.dense_section,
        "bm25 german": lambda c: c.lexical,
    }
    for w in (0.1, 0.2, 0.3, 0.5):
        variants[f"z(plain+section) + {w}·z(bm25)"] = (
            lambda c, w=w: fuse(c.dense_plain + c.dense_section, c.lexical, FusionConfig(w_lexical=w)))
        variants[f"z(section) + {w}·z(bm25)"] = lambda c, w=w: fuse(c.dense_section, c.lexical, FusionConfig(w_lexical=w))
    variants["dense plain + PRF(k=3, 0.5)"] = lambda c: prf(c.dense_plain, m_plain)
    variants["dense plain + PRF(k=5, 0.3)"] = lambda c: prf(c.dense_plain, m_plain, 5, 0.3)
    variants["dense plain + sym(passage: q)"] = lambda c: c.dense_plain + c.sym_plain
    variants["z(plain+section+sym) + 0.15·z(bm25)"] = lambda c: fuse(c.dense_plain + c.dense_section + c.sym_plain, c.lexical, FusionConfig(w_lexical=0.15))
    variants["z(PRF(plain+section)) + 0.15·z(bm25)"] = lambda c: fuse(prf(c.dense_plain + c.dense_section, m_plain + m_section), c.lexical, FusionConfig(w_lexical=0.15))
    for g in (0.2, 0.4):
        variants[f"z(plain+section + {g}·intro) + 0.15·z(bm25)"] = (
            lambda c, g=g: fuse(c.dense_plain + c.dense_section + g * (c.dense_plain + c.dense_section)[intro], c.lexical, FusionConfig(w_lexical=0.15)))
    for w in (0.05, 0.1, 0.15, 0.2):
        variants[f"z(plain) + {w}·z(bm25)"] = lambda c, w=w: fuse(c.dense_plain, c.lexical, FusionConfig(w_lexical=w))
    for a in (0.25, 0.5):
        variants[f"z(plain + {a}·section) + 0.1·z(bm25)"] = (
            lambda c, a=a: fuse(c.dense_plain + a * c.dense_section, c.lexical, FusionConfig(w_lexical=0.1)))
        variants[f"z(plain + {a}·section) + 0.15·z(bm25)"] = (
            lambda c, a=a: fuse(c.dense_plain + a * c.dense_section, c.lexical, FusionConfig(w_lexical=0.15)))
    def gated(c, n, w):
        mask = np.zeros_like(c.dense_plain)
        mask[np.argsort(-c.dense_plain)[:n]] = 1.0
        return fuse(c.dense_plain, c.lexical * mask, FusionConfig(w_lexical=w))
    for n in (10, 20, 50):
        for w in (0.15, 0.3):
            variants[f"z(plain) + {w}·z(bm25 within dense top {n})"] = lambda c, n=n, w=w: gated(c, n, w)
    variants["rrf(plain+section, bm25)"] = lambda c: fuse(c.dense_plain + c.dense_section, c.lexical, FusionConfig(method="rrf"))
    styles = sorted({c.style for c in cache})
    print("| variant | nDCG@10 | R@10 | S@1 | S@3 | " + " | ".join(styles) + " |")
    print("|" + "---|" * (5 + len(styles)))
    for name, make in variants.items():
        avg, by_style = evaluate(make)
        print(f"| {name} | {avg['ndcg10']:.3f} | {avg['recall10']:.3f} | {avg['success1']:.3f} | {avg['success3']:.3f} | "
              + " | ".join(f"{by_style[s]:.2f}" for s in styles) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
