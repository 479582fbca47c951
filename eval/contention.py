"""python -m eval.contention — why the app runs its encoder in a separate process, with two
single-threaded channels: batches of real questions timed alone, next to a busy Python thread
(as Gradio's event loop is, in the same process), next to a busy process, and as 1 thread × 2
PyTorch threads against 2 threads × 1 PyTorch thread.

    python -m eval.contention [--rounds 10] [--json eval/reports/contention.json]

"Busy" means 40 % of the time in pure Python (a loop), the rest asleep: about what the web
server does per answer at 20 answers/s. Medians of `--rounds` batches of 8; questions/s are for
the whole machine.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

from eval.report import report_metadata
from eval.questions import question_texts
from index.models.names import GEMMA_MODEL
from index.defaults import DEFAULT_DATA

BUSY_LOOP = ("import time\nwhile True:\n t=time.perf_counter()\n while time.perf_counter()-t<0.004: sum(range(100))\n"
             " time.sleep(0.006)")


def busy_thread(stop: threading.Event) -> None:
    while not stop.is_set():
        t = time.perf_counter()
        while time.perf_counter() - t < 0.004:
            sum(range(100))
        time.sleep(0.006)


def timed(encode: Callable[[list[str]], Any], batches: list[list[str]]) -> float:
    """Median seconds per batch."""
    times = []
    for batch in batches:
        t = time.perf_counter()
        encode(batch)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def parallel_rate(encode: Callable[[list[str]], Any], batches: list[list[str]], threads: int) -> float:
    """Questions per second with `threads` Python threads encoding batches at once."""
    done = [0]
    lock = threading.Lock()

    def work(part: list[list[str]]) -> None:
        for batch in part:
            encode(batch)
            with lock:
                done[0] += len(batch)

    parts = [batches[i::threads] for i in range(threads)]
    workers = [threading.Thread(target=work, args=(p,)) for p in parts]
    t = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return done[0] / (time.perf_counter() - t)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.contention", description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    import torch

    from index.models.embed import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder(GEMMA_MODEL, cache_dir=args.data_dir, fallback=False)
    questions = question_texts()
    batches = [questions[(i * args.batch) % (len(questions) - args.batch):][: args.batch] for i in range(args.rounds)]
    emb.encode_queries(batches[0])  # warm-up
    results: dict[str, Any] = {"command": "python -m eval.contention " + " ".join(argv or sys.argv[1:]),
                               "model": emb.model_id, "dtype": emb.dtype, "batch": args.batch, "rounds": args.rounds}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        alone = timed(emb.encode_queries, batches)
        stop = threading.Event()
        other = threading.Thread(target=busy_thread, args=(stop,), daemon=True)
        other.start()
        with_thread = timed(emb.encode_queries, batches)
        stop.set()
        other.join()
        proc = subprocess.Popen([sys.executable, "-c", BUSY_LOOP])
        try:
            with_process = timed(emb.encode_queries, batches)
        finally:
            proc.kill()
            proc.wait()
        results[f"torch_threads_{threads}"] = {
            "alone_ms": round(alone * 1000, 1), "busy_thread_ms": round(with_thread * 1000, 1),
            "busy_process_ms": round(with_process * 1000, 1),
            "slowdown_busy_thread": round(with_thread / alone, 2), "slowdown_busy_process": round(with_process / alone, 2)}
        print(f"{threads} PyTorch thread(s), batch {args.batch}: alone {alone * 1000:.0f} ms, next to a busy thread "
              f"{with_thread * 1000:.0f} ms ({with_thread / alone:.2f}×), next to a busy process "
              f"{with_process * 1000:.0f} ms ({with_process / alone:.2f}×)")
    many = batches * 2
    torch.set_num_threads(2)
    one_by_two = parallel_rate(emb.encode_queries, many, 1)
    torch.set_num_threads(1)
    two_by_one = parallel_rate(emb.encode_queries, many, 2)
    results["questions_per_s"] = {"1 thread x 2 PyTorch threads": round(one_by_two, 1),
                                  "2 threads x 1 PyTorch thread": round(two_by_one, 1)}
    print(f"questions/s: 1 thread × 2 PyTorch threads {one_by_two:.1f}, 2 threads × 1 PyTorch thread {two_by_one:.1f}")
    results["meta"] = report_metadata(str(results["command"]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
