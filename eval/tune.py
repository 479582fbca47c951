"""python -m eval.tune [--model M] — every named retrieval variant on the dev questions, one run.

Each row of the README's "What helped" table is one `Variant` here: which passage vectors
(the title / context the passages were embedded with), how dense and BM25 scores are fused,
and an optional named re-scoring step. Passage vectors per embedding setting are computed once
and cached in the data dir (keyed by model id and corpus hash); every question is embedded
once; the variants are then scored offline. Tuning runs on dev only: there is no flag for
another split. `--write` stores the best variant's fusion in the model's calibration file.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np

from eval.evidence import prepared_texts
from eval.metrics import average, score_question
from eval.questions import load_questions
from eval.report import command_line, report_metadata
from eval.run import spans
from index.models.names import DEFAULT_MODEL, GEMMA_MODEL
from index.storage.config import IndexConfig
from index.defaults import DEFAULT_CORPUS, DEFAULT_DATA
from index.storage.store import LoadedIndex, embed_passages
from qa.calibration import Calibration, calibration_path, save_calibration
from qa.rank import FusionConfig, fuse, top_rows
from qa.service import calibration_for, open_qa

DEV = Path(__file__).resolve().parent / "questions" / "dev.jsonl"


@dataclass(frozen=True, slots=True)
class Variant:
    """One named way to rank: passage vectors embedded with `title`/`context`, fused by
    `fusion`, optionally re-scored by the named step `rescore` (see RESCORE)."""

    name: str
    title: str = "none"
    context: str = "none"
    fusion: FusionConfig = field(default_factory=lambda: FusionConfig(method="dense"))
    rescore: str = ""


def _z(w: float) -> FusionConfig:
    return FusionConfig(w_lexical=w)


def registry(model: str) -> tuple[Variant, ...]:
    """The variants tried for `model` (EmbeddingGemma has a title slot; e5 has not)."""
    if model != GEMMA_MODEL:
        return (
            Variant("dense, plain sentence"),
            Variant("dense, \"Section: sentence\"", context="section"),
            Variant("German BM25 alone", fusion=FusionConfig(method="lexical")),
            *(Variant(f"z(dense) + {w}·z(BM25)", fusion=_z(w)) for w in (0.05, 0.1, 0.15, 0.2)),
            Variant("reciprocal-rank fusion", fusion=FusionConfig(method="rrf")),
            Variant("z(dense) + 0.15·z(BM25 within dense top 20)", fusion=_z(0.15), rescore="gate20"),
            Variant("dense + pseudo-relevance feedback (k=3)", rescore="prf"),
            Variant("z(dense + 0.3·intro paragraph) + 0.15·z(BM25)", fusion=_z(0.15), rescore="intro"),
        )
    return (
        Variant("dense, title: none"),
        Variant("dense, title: chapter", title="chapter"),
        Variant("dense, title: section path", title="section"),
        Variant("German BM25 alone", title="section", fusion=FusionConfig(method="lexical")),
        *(Variant(f"title: section + {w}·z(BM25)", title="section", fusion=_z(w)) for w in (0.03, 0.05, 0.1, 0.15)),
        Variant("title: none + 0.05·z(BM25)", fusion=_z(0.05)),
        Variant("title: section, reciprocal-rank fusion", title="section", fusion=FusionConfig(method="rrf")),
        Variant("title: section + 0.1·z(BM25 within dense top 20)", title="section", fusion=_z(0.1), rescore="gate20"),
        Variant("title: section + pseudo-relevance feedback (k=3)", title="section", rescore="prf"),
        Variant("title: section + 0.3·intro paragraph", title="section", rescore="intro"),
    )


@dataclass(frozen=True, slots=True)
class Scored:
    """One dev question's full score vectors."""

    style: str
    labels: tuple
    dense: dict[tuple[str, str], np.ndarray]
    lexical: np.ndarray


def intro_rows(index: LoadedIndex) -> np.ndarray:
    """For each pledge, the prose passage that introduces it (nearest text before it in the
    same section and source); a passage with none points to itself."""
    intro = np.arange(len(index.pledges))
    last = -1
    for i, p in enumerate(index.pledges):
        if p.kind == "text":
            last = i
        elif last >= 0 and index.pledges[last].section == p.section and p.primary.source == index.pledges[last].primary.source:
            intro[i] = last
    return intro


def rescorers(matrix: Callable[[tuple[str, str]], np.ndarray], intro: np.ndarray) -> dict[str, Callable]:
    """Named re-scoring steps: (dense scores, lexical scores, vector key) -> (dense, lexical)."""
    def prf(d: np.ndarray, lex: np.ndarray, key: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
        m = matrix(key)
        top = np.argsort(-d)[:3]
        return d + 0.5 * (m @ m[top].mean(axis=0)), lex

    def gate20(d: np.ndarray, lex: np.ndarray, key: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
        mask = np.zeros_like(lex)
        mask[np.argsort(-d)[:20]] = 1.0
        return d, lex * mask

    def with_intro(d: np.ndarray, lex: np.ndarray, key: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
        return d + 0.3 * d[intro], lex

    return {"": lambda d, lex, key: (d, lex), "prf": prf, "gate20": gate20, "intro": with_intro}


def passage_matrix(index: LoadedIndex, embedder: object, config: IndexConfig, cache: Path) -> np.ndarray:
    """Passage vectors for `config`: the index's own when it was built so, else cached/embedded."""
    if index.manifest["config"] == config.to_json():
        return np.asarray(index.dense.reconstruct_n(0, index.dense.ntotal))
    key = f"{config.passage_title}-{config.passage_context}"
    path, meta = cache / f"{key}.npy", cache / f"{key}.json"
    stamp = {"model": index.model_id, "corpus_sha256": index.manifest["corpus_sha256"], "config": config.to_json(),
             "count": len(index.pledges)}
    if path.is_file() and meta.is_file() and json.loads(meta.read_text()) == stamp:
        return np.load(path)
    cache.mkdir(parents=True, exist_ok=True)
    vectors = embed_passages(list(index.pledges), embedder, config)  # type: ignore[arg-type]
    np.save(path, vectors)
    meta.write_text(json.dumps(stamp))
    return vectors


def evaluate(variants: tuple[Variant, ...], scored: list[Scored], index: LoadedIndex,
             rescore: dict[str, Callable]) -> list[tuple[Variant, dict[str, float], dict[str, float]]]:
    """(variant, overall metrics, nDCG@10 by style) for every variant."""
    rows = []
    for v in variants:
        per_style: dict[str, list] = {}
        scores = []
        for s in scored:
            key = (v.title, v.context)
            dense, lexical = rescore[v.rescore](s.dense[key], s.lexical, key)
            ranked = top_rows(fuse(dense, lexical, v.fusion), 10)
            result = score_question([spans(index.pledges[r]) for r in ranked], s.labels)
            scores.append(result)
            per_style.setdefault(s.style, []).append(result)
        rows.append((v, average(scores), {k: average(x)["ndcg10"] for k, x in sorted(per_style.items())}))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.tune", description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--write", action="store_true", help="store the best variant's fusion in the model's calibration")
    ap.add_argument("--json", type=Path, help="also write the table here as a report (with what it was made with)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    qa = open_qa(args.corpus, args.data_dir, args.model)
    name = getattr(qa.embedder, "name", args.model)
    variants = registry(name)
    cache = args.data_dir / "tune-cache" / calibration_path(name).stem
    base = IndexConfig.for_model(name)
    matrices = {(v.title, v.context): passage_matrix(qa.index, qa.embedder, replace(base, passage_title=v.title,
                passage_context=v.context), cache) for v in variants}
    questions = [q for q in load_questions(DEV) if q.answerable]
    scored = []
    # the texts the app searches: validated and typo-corrected (QA.prepare), as calibration does
    for q, text in zip(questions, prepared_texts(qa, [q.question for q in questions])):
        vec = qa.embedder.encode_queries([text])[0]
        scored.append(Scored(q.style, q.relevant, {k: m @ vec for k, m in matrices.items()},
                             qa.index.lexical.scores(text)))
    rows = evaluate(variants, scored, qa.index, rescorers(matrices.__getitem__, intro_rows(qa.index)))
    styles = list(rows[0][2])
    print(f"dev, {len(questions)} answerable questions, model {qa.index.model_id}, ranking only (no abstention)")
    print("| variant | nDCG@10 | R@10 | S@1 | S@3 | " + " | ".join(styles) + " |")
    print("|" + "---|" * (5 + len(styles)))
    for v, avg, by_style in rows:
        print(f"| {v.name} | {avg['ndcg10']:.3f} | {avg['recall10']:.3f} | {avg['success1']:.3f} | {avg['success3']:.3f} | "
              + " | ".join(f"{by_style[s]:.2f}" for s in styles) + " |")
    if args.json:
        report = {"split": "dev", "questions": len(questions), "ranking_only": True,
                  "variants": [{"name": v.name, **{k: round(float(x), 4) for k, x in avg.items()},
                                "ndcg10_by_style": {k: round(float(x), 4) for k, x in by_style.items()}}
                               for v, avg, by_style in rows],
                  "meta": report_metadata(command_line("eval.tune", argv), [qa])}
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    if args.write:
        best = max((r for r in rows if (r[0].title, r[0].context) == (base.passage_title, base.passage_context)
                    and not r[0].rescore), key=lambda r: r[1]["ndcg10"])
        path = calibration_path(name)
        loaded = calibration_for(name, qa.index.model_id, args.corpus, path).calibration
        record = {**(loaded.record if loaded else {}), "fusion": f"{best[0].name}: dev nDCG@10 {best[1]['ndcg10']:.3f} "
                  f"(python -m eval.tune --model {args.model})"}
        # the bank's weight is chosen by eval.calibrate (with twins masked): kept as it is
        fusion = replace(best[0].fusion, w_bank=loaded.fusion.w_bank if loaded else 0.0)
        save_calibration(path, Calibration(qa.index.model_id, str(qa.index.manifest["corpus_sha256"]), fusion,
                                           loaded.abstention if loaded else None, record))
        print(f"\nwrote fusion of {best[0].name!r} to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
