"""python -m eval.encoder_curve — latency of one query-encode call by batch size, dtype and threads.

The encoder dominates the cost of an answer, so this curve decides how far batching
concurrent questions pays (issue 11) and how many answers/s one core gives (docs/scale.md).
Real German questions from eval/questions/*.jsonl, all distinct (no batch repeats a question
of another batch in the same round); batch sizes are interleaved within each round so drift
on the shared machine hits every size alike; medians over rounds. Loads a local
model through the project's own resolution (index/models/resolve.py) with downloads and the e5
fallback switched off, or a local sentence-transformers folder; it never downloads. Writes eval/reports/encoder_curve.json.
"""
from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eval.report import report_metadata
from eval.stats import percentile
from eval.questions import QUESTIONS, load_questions
from index.models.names import GEMMA_MODEL
from index.defaults import DEFAULT_DATA
from index.models.resolve import ModelNotAvailableError, resolve_model

log = logging.getLogger("eval.encoder_curve")
REPORT = Path(__file__).resolve().parent / "reports" / "encoder_curve.json"


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """One (dtype, threads, batch size): latency of one encode call and what it buys."""

    dtype: str
    threads: int
    batch: int
    calls: int
    call_p50_ms: float
    call_p95_ms: float
    per_question_ms: float
    questions_per_s: float
    questions_per_s_per_core: float
    cpu_per_question_ms: float
    questions_per_cpu_s: float


def german_questions(folder: Path = QUESTIONS) -> list[str]:
    """Distinct German questions of every question file, in file order."""
    seen: dict[str, None] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for q in load_questions(path):
            if q.lang == "de":
                seen.setdefault(q.question.strip(), None)
    return list(seen)


def batches_for_round(pool: list[str], sizes: list[int], round_no: int) -> list[list[str]]:
    """One batch per size, consecutive slices of the pool rotated by round (wrapping)."""
    need = sum(sizes)
    if len(pool) < max(sizes):
        raise ValueError(f"{len(pool)} distinct questions, need at least {max(sizes)}")
    start = (round_no * need) % len(pool)
    out, pos = [], start
    for size in sizes:
        out.append([pool[(pos + i) % len(pool)] for i in range(size)])
        pos += size
    return out


def summarise(dtype: str, threads: int, batch: int, ms: list[float], cpu_ms: list[float]) -> CurvePoint:
    """Median/p95 of the call times and the derived per-question figures.

    Wall time on a shared machine includes waiting for a core; CPU time (all threads of this
    process) is what a question costs a dedicated core, so both are reported.
    """
    p50 = statistics.median(ms)
    qps = batch / p50 * 1000
    cpu = statistics.median(cpu_ms) / batch
    return CurvePoint(dtype, threads, batch, len(ms), round(p50, 2), round(percentile(ms, 95), 2),
                      round(p50 / batch, 2), round(qps, 2), round(qps / threads, 2),
                      round(cpu, 2), round(1000 / cpu, 2) if cpu > 0 else 0.0)


def measure(model: Any, pool: list[str], dtype: str, threads: int, sizes: list[int], rounds: int) -> list[CurvePoint]:
    """Time model.encode (query prompt, normalised) for every size, `rounds` times, interleaved."""
    import torch

    torch.set_num_threads(threads)
    model.encode(pool[:max(sizes)], prompt_name="query", batch_size=max(sizes), normalize_embeddings=True)  # warm-up
    times: dict[int, list[float]] = {s: [] for s in sizes}
    cpu: dict[int, list[float]] = {s: [] for s in sizes}
    for r in range(rounds):
        for size, batch in zip(sizes, batches_for_round(pool, sizes, r)):
            t, c = time.perf_counter(), time.process_time()
            model.encode(batch, prompt_name="query", batch_size=size, normalize_embeddings=True)
            times[size].append((time.perf_counter() - t) * 1000)
            cpu[size].append((time.process_time() - c) * 1000)
        log.info("%s threads=%d round %d/%d: %s", dtype, threads, r + 1, rounds,
                 ", ".join(f"{s}:{times[s][-1]:.0f}ms" for s in sizes))
    return [summarise(dtype, threads, s, times[s], cpu[s]) for s in sizes]


def markdown(points: list[CurvePoint]) -> str:
    """The curve as a Markdown table."""
    lines = ["| dtype | threads | batch | call p50 ms | call p95 ms | ms/question | questions/s | per core "
             "| CPU ms/question | questions per CPU-s |", "|---|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {p.dtype} | {p.threads} | {p.batch} | {p.call_p50_ms} | {p.call_p95_ms} | {p.per_question_ms} | "
              f"{p.questions_per_s} | {p.questions_per_s_per_core} | {p.cpu_per_question_ms} | "
              f"{p.questions_per_cpu_s} |" for p in points]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.encoder_curve", description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=GEMMA_MODEL, help="model name as for the app, or a local folder")
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help="where the app keeps its models")
    ap.add_argument("--sizes", default="1,2,4,8,16,32")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--dtypes", default="bfloat16,float32")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", type=Path, default=REPORT)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s")
    try:
        model_dir = Path(resolve_model(args.model, args.data_dir, download=False, fallback=False).path)
    except ModelNotAvailableError as exc:
        ap.error(f"{exc} (this benchmark never downloads; assemble the model first or pass a folder)")
    if not (model_dir / "modules.json").is_file():
        ap.error(f"{model_dir} is not a local sentence-transformers folder (no modules.json); nothing is downloaded")
    import torch
    from sentence_transformers import SentenceTransformer

    sizes = [int(x) for x in args.sizes.split(",")]
    pool = german_questions()
    points: list[CurvePoint] = []
    agreement: dict[str, float] = {}
    reference = None
    for dtype in args.dtypes.split(","):
        model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        model.to(getattr(torch, dtype))
        for threads in (int(x) for x in args.threads.split(",")):
            points += measure(model, pool, dtype, threads, sizes, args.rounds)
        torch.set_num_threads(1)
        vectors = model.encode(pool, prompt_name="query", batch_size=32, normalize_embeddings=True,
                               convert_to_tensor=True).float()
        if reference is None:
            reference = vectors
        else:
            agreement[dtype] = round(float((vectors * reference).sum(dim=1).min()), 5)
        del model
    report = {"command": "python -m eval.encoder_curve " + " ".join(argv if argv is not None else sys.argv[1:]),
              "model": args.model, "model_dir": str(model_dir), "questions": len(pool), "rounds": args.rounds,
              "torch": torch.__version__,
              "note": "shared machine (other work ran meanwhile): medians; compare ratios within this run",
              "min_cosine_to_first_dtype": agreement, "points": [asdict(p) for p in points]}
    report["meta"] = report_metadata(str(report["command"]))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(markdown(points))
    return 0


if __name__ == "__main__":
    sys.exit(main())
