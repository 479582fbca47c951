"""python -m eval.bench — latency of the full pipeline vs the query encoding alone.

Warm process, same questions, interleaved (encode, ask, encode, ask …) so both see the
same machine state; reports p50/p95 in milliseconds and the ratio of the medians.
"""
from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

from eval.report import command_line, report_metadata
from eval.questions import question_texts
from eval.stats import percentile
from index.models.names import DEFAULT_MODEL
from index.defaults import DEFAULT_DATA
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--rounds", type=int, default=2, help="passes over the questions")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    started = time.perf_counter()
    qa = open_qa(data_dir=args.data_dir, model=args.model)
    load_seconds = time.perf_counter() - started
    rss_after_load = rss_mib()
    questions = [clean_question(q) for q in question_texts()]
    for q in questions[:10]:  # warm-up
        qa.ask(q, 10)
    encode_ms: list[float] = []
    ask_ms: list[float] = []
    for _ in range(args.rounds):
        for q in questions:
            t = time.perf_counter()
            qa.embedder.encode_queries([q])
            encode_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            qa.ask(q, 10)
            ask_ms.append((time.perf_counter() - t) * 1000)
    result = {
        "model": qa.index.model_id, "dtype": getattr(qa.embedder, "dtype", ""),
        "open_seconds": round(load_seconds, 2), "rss_after_load_mib": rss_after_load, "rss_after_run_mib": rss_mib(),
        "questions": len(questions), "rounds": args.rounds,
        "encode_p50_ms": round(statistics.median(encode_ms), 2), "encode_p95_ms": round(percentile(encode_ms, 95) or 0.0, 2),
        "pipeline_p50_ms": round(statistics.median(ask_ms), 2), "pipeline_p95_ms": round(percentile(ask_ms, 95) or 0.0, 2),
    }
    result["ratio_p50"] = round(result["pipeline_p50_ms"] / result["encode_p50_ms"], 3)
    result["meta"] = report_metadata(command_line("eval.bench", argv), [qa])
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
