"""python -m eval.load: the command line (see eval/load/__init__.py)."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Sequence

from eval.report import report_metadata
from eval.appserver import cpu_seconds, free_port, spawn_app, stop_app, tree_cpu_seconds, tree_memory, wait_until_serving
from eval.load.clients import CLIENTS, DEFAULT_API_NAME, check_loopback
from eval.load.runner import LoadConfig, run_load
from eval.questions import question_texts


def measure(config: LoadConfig, pid: int | None, questions: Sequence[str]) -> dict[str, Any]:
    """Memory before, the load, memory and CPU after: one report dict."""
    before = tree_memory(pid) if pid else {}
    cpu0 = tree_cpu_seconds(pid) if pid else None
    web0 = cpu_seconds(pid) if pid else None
    own0 = time.process_time()
    from ui.texts import EXAMPLE_QUESTIONS

    summary, _ = run_load(config, questions, popular=EXAMPLE_QUESTIONS)
    own_cpu = time.process_time() - own0
    cpu1 = tree_cpu_seconds(pid) if pid else None
    web1 = cpu_seconds(pid) if pid else None
    after = tree_memory(pid) if pid else {}
    report: dict[str, Any] = {"url": config.url, "api_name": config.api_name, "client": config.client,
                              "think_seconds": config.think, "repeat_share": config.repeats,
                              "timeout_seconds": config.timeout, "max_requests": config.max_requests,
                              **asdict(summary)}
    if pid:
        report["app_pid"] = pid
        report["rss_before_mib"] = round(before.get("VmRSS", 0) / 1024, 1) or None
        report["rss_after_mib"] = round(after.get("VmRSS", 0) / 1024, 1) or None
        report["rss_peak_mib"] = round(after.get("VmHWM", 0) / 1024, 1) or None  # sum of each one's peak
        report["app_processes"] = after.get("processes")
        if cpu0 is not None and cpu1 is not None and summary.seconds > 0:
            used = cpu1 - cpu0
            report["app_cpu_seconds"] = round(used, 1)
            report["app_cpu_cores_busy"] = round(used / summary.seconds, 2)
            report["app_cpu_ms_per_answer"] = round(1000 * used / summary.answered, 1) if summary.answered else None
            if web0 is not None and web1 is not None and summary.answered:  # the web process alone
                report["web_process_cpu_ms_per_answer"] = round(1000 * (web1 - web0) / summary.answered, 1)
    report["cores"] = os.cpu_count()
    # The clients run on the same machine and compete with the app for its cores.
    report["load_generator_cpu_cores_busy"] = round(own_cpu / summary.seconds, 2) if summary.seconds > 0 else None
    return report


def format_report(report: dict[str, Any]) -> str:
    """The figures as a few readable lines."""
    def ms(key: str) -> str:
        return "-" if report.get(key) is None else f"{report[key]:.0f}"

    lines = [
        f"{report['clients']} {report['client']} clients, {report['seconds']:.1f} s, think {report['think_seconds']:g} s: "
        f"{report['requests']} requests, {report['answered']} answered, {report['errors']} errors, "
        f"{report['busy']} busy; {report['repeats']} repeats of popular questions",
        f"throughput {report['throughput_rps']:.1f} answers/s; latency ms p50 {ms('p50_ms')} p95 {ms('p95_ms')} "
        f"p99 {ms('p99_ms')} max {ms('max_ms')} (mean {ms('mean_ms')}); busy rejections p95 {ms('busy_p95_ms')} ms"
        + (f"; p95 of the distinct questions {ms('distinct_p95_ms')}" if report.get("repeats") else ""),
    ]
    if report.get("app_pid"):
        lines.append(
            f"app pid {report['app_pid']} ({report.get('app_processes')} processes): RSS {report.get('rss_before_mib')} MiB before, "
            f"{report.get('rss_after_mib')} MiB after (peak {report.get('rss_peak_mib')} MiB); "
            f"CPU {report.get('app_cpu_cores_busy')} of {report.get('cores')} cores busy, "
            f"{report.get('app_cpu_ms_per_answer')} ms CPU per answer "
            f"({report.get('web_process_cpu_ms_per_answer')} of them in the web process)"
        )
    if report.get("load_generator_cpu_cores_busy") is not None:
        lines.append(f"the load generator itself kept {report['load_generator_cpu_cores_busy']} cores busy")
    for message in report.get("error_messages") or []:
        lines.append(f"error: {message}")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m eval.load", description="Load test: concurrent clients asking the running app (loopback only).")
    ap.add_argument("--url", default=None, help="the running app (loopback only), e.g. http://127.0.0.1:7860")
    ap.add_argument("--clients", type=int, default=40, help="concurrent clients (default 40)")
    ap.add_argument("--seconds", type=float, default=60.0, help="how long the load lasts (default 60)")
    ap.add_argument("--max-requests", type=int, default=100_000, help="at most this many requests in all")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds before one request counts as hung")
    ap.add_argument("--think", type=float, default=0.0, help="pause of a client between its questions (s)")
    ap.add_argument("--repeats", type=float, default=0.0,
                    help="share of requests repeating a popular question (default 0: every question distinct)")
    ap.add_argument("--api-name", default=DEFAULT_API_NAME, help="the app's API endpoint (default /ask)")
    ap.add_argument("--client", choices=sorted(CLIENTS), default="gradio",
                    help="gradio: gradio_client (default); http: Gradio's plain HTTP API, far lighter on the CPU; "
                         "api: the JSON API beside the page (GET /api/ask, no Gradio queue)")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--json", type=Path, default=None, help="also write the report to this JSON file")
    ap.add_argument("--pid", type=int, default=None, help="the app's process id, to report its memory and CPU")
    ap.add_argument("--spawn", action="store_true", help="start app.py on a free loopback port, measure, stop it")
    ap.add_argument("--data-dir", type=Path, default=None, help="with --spawn: the app's --data-dir")
    ap.add_argument("--app-arg", action="append", default=[], metavar="ARG",
                    help="with --spawn: pass ARG to app.py (repeatable), e.g. --app-arg=--queue-size=64")
    ap.add_argument("--startup-timeout", type=float, default=900.0,
                    help="with --spawn: seconds to wait for the app (the first start builds the index)")
    ap.add_argument("-v", "--verbose", action="store_true")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.clients < 1 or args.seconds <= 0 or args.max_requests < 1 or args.timeout <= 0:
        print("--clients, --seconds, --max-requests and --timeout must be positive", file=sys.stderr)
        return 2
    if not 0 <= args.repeats <= 1:
        print("--repeats is a share between 0 and 1", file=sys.stderr)
        return 2
    if args.spawn == (args.url is not None):
        print("give either --url (a running app) or --spawn (start one)", file=sys.stderr)
        return 2
    questions = question_texts()
    proc = None
    log_dir = Path(tempfile.mkdtemp(prefix="nachgefragt-load-"))
    try:
        if args.spawn:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            log_file = log_dir / "app.log"
            spawned = time.perf_counter()
            proc = spawn_app(port, args.data_dir, args.app_arg, log_file)
            waited = wait_until_serving(url, proc, args.startup_timeout, log_file)
            from eval.start import ask_once

            ask_once(url, args.startup_timeout)  # the page is served before the model is loaded: wait for it
            print(f"app pid {proc.pid} serving at {url} after {waited:.1f} s, answering after "
                  f"{time.perf_counter() - spawned:.1f} s (log: {log_file})", file=sys.stderr)
            pid: int | None = proc.pid
        else:
            try:
                url = check_loopback(args.url)
            except ValueError as exc:
                print(str(exc), file=sys.stderr)
                return 2
            pid = args.pid
        config = LoadConfig(url=url, clients=args.clients, seconds=args.seconds, max_requests=args.max_requests,
                            timeout=args.timeout, think=args.think, api_name=args.api_name, seed=args.seed,
                            client=args.client, repeats=args.repeats)
        report = {"command": "python -m eval.load " + " ".join(argv if argv is not None else sys.argv[1:]),
                  **measure(config, pid, questions)}
    except (RuntimeError, TimeoutError) as exc:
        print(f"load test failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if proc is not None:
            stop_app(proc)
    print(format_report(report))
    report["meta"] = report_metadata(str(report["command"]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if report["errors"] == 0 else 1
