"""python -m eval.bench — latency of the full pipeline vs the query encoding alone.

Warm process, same questions, interleaved (encode, ask, encode, ask …, and each query
encoder in turn: PyTorch and the int8 OpenVINO export) so all see the same machine state;
reports p50/p95 wall and process-CPU milliseconds per question, the encoder's CPU per question
in batches (`--batch`), and the ratio of the medians (pipeline / encoder).

    python -m eval.bench [--encoders torch,openvino] [--threads 1] [--rounds 2] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

from eval.encoders import openvino_queries, parse_encoders
from eval.report import command_line, report_metadata
from eval.questions import question_texts
from eval.stats import percentile
from index.models.names import DEFAULT_MODEL
from index.defaults import DEFAULT_DATA
from qa.pipeline import QA
from qa.service import open_qa
from qa.validate import clean_question


def rss_mib() -> int:
    """Resident memory of this process in MiB (Linux /proc; 0 where unknown)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def _cpu_ms(fn) -> tuple[float, float]:
    """(wall ms, this process's CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _summary(values: list[float]) -> dict[str, float]:
    return {"p50": round(statistics.median(values), 2), "p95": round(percentile(values, 95) or 0.0, 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--rounds", type=int, default=2, help="passes over the questions")
    ap.add_argument("--encoders", default="torch,openvino",
                    help="query encoders, comma-separated, measured interleaved (openvino where it was exported)")
    ap.add_argument("--threads", type=int, default=1, help="compute threads of each encoder (the app's worker: 1)")
    ap.add_argument("--batch", type=int, default=8, help="also the encoder's CPU per question in batches of this size")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    try:
        encoders = parse_encoders(args.encoders)
    except ValueError as exc:
        ap.error(str(exc))
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    import torch

    torch.set_num_threads(max(1, args.threads))
    started = time.perf_counter()
    base = open_qa(data_dir=args.data_dir, model=args.model)
    load_seconds = time.perf_counter() - started
    rss_after_load = rss_mib()
    systems: dict[str, QA] = {}
    for name in encoders:
        if name == "torch":
            systems["torch"] = base
        else:
            ov = openvino_queries(base.embedder, args.data_dir, threads=max(1, args.threads))
            if ov is not None:
                systems[name] = QA(base.index, ov, base.config, base.notices)
    questions = [clean_question(q) for q in question_texts()]
    for qa in systems.values():
        for q in questions[:10]:  # warm-up
            qa.ask(q, 10)
    times: dict[str, dict[str, list[float]]] = {n: {k: [] for k in ("encode", "encode_cpu", "ask", "ask_cpu", "batch_cpu")}
                                                for n in systems}
    for _ in range(args.rounds):
        for i, q in enumerate(questions):
            for name, qa in systems.items():  # interleaved: both encoders see the same machine state
                t = times[name]
                wall, cpu = _cpu_ms(lambda: qa.embedder.encode_queries([q]))
                t["encode"].append(wall)
                t["encode_cpu"].append(cpu)
                wall, cpu = _cpu_ms(lambda: qa.ask(q, 10))
                t["ask"].append(wall)
                t["ask_cpu"].append(cpu)
                if args.batch > 1 and i % args.batch == 0:
                    chunk = questions[i:i + args.batch]
                    _, cpu = _cpu_ms(lambda: qa.embedder.encode_queries(chunk))
                    t["batch_cpu"].append(cpu / len(chunk))
    result: dict[str, object] = {
        "model": base.index.model_id, "threads": args.threads, "batch": args.batch,
        "open_seconds": round(load_seconds, 2), "rss_after_load_mib": rss_after_load, "rss_after_run_mib": rss_mib(),
        "questions": len(questions), "rounds": args.rounds, "encoders": {},
    }
    for name, qa in systems.items():
        t = times[name]
        row = {"dtype": getattr(qa.embedder, "dtype", ""),
               "encode_ms": _summary(t["encode"]), "encode_cpu_ms": _summary(t["encode_cpu"]),
               "pipeline_ms": _summary(t["ask"]), "pipeline_cpu_ms": _summary(t["ask_cpu"]),
               f"encode_cpu_ms_per_question_batch{args.batch}": _summary(t["batch_cpu"]) if t["batch_cpu"] else None}
        row["ratio_p50"] = round(row["pipeline_ms"]["p50"] / row["encode_ms"]["p50"], 3)
        result["encoders"][name] = row  # type: ignore[index]
    result["meta"] = report_metadata(command_line("eval.bench", argv), list(systems.values()))
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
