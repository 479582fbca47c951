"""python -m eval.start: from `python app.py` (index built) to the first answer, measured.

For each run it starts `python app.py` on a free loopback port, waits until the port takes
connections (a cheap probe: polling the page's /config would cost the app CPU while it is
still starting), then asks one question through `/ask` at once, the way a person who opens
the page and asks straight away would. Reported per variant: seconds until the page is
served and until the first answer (medians over `--runs`), with the app's own log lines.

    python -m eval.start [--runs 3] [--variant default] [--variant in-process] [--json FILE]

Variants: "default" (the encoder process loads the int8 OpenVINO query encoder while the page
is served), "torch" (`--encoder torch`: the same with PyTorch) and "in-process" (`--in-process`:
the model loads in the app's process before the page). Runs of the variants alternate, so a
busy machine slows all alike; compare them as a ratio.
"""
from __future__ import annotations

import argparse
import json
import logging
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.report import command_line, report_metadata
from eval.appserver import free_port, spawn_app, stop_app

log = logging.getLogger("eval.start")
VARIANTS: dict[str, list[str]] = {"default": [], "in-process": ["--in-process"], "torch": ["--encoder", "torch"]}
QUESTION = "Was plant ihr zum Flughafen?"


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def ask_once(url: str, timeout: float, question: str = QUESTION) -> dict[str, Any]:
    """One question through Gradio's HTTP API; the answer payload."""
    import httpx

    with httpx.Client(timeout=timeout) as http:
        event = http.post(f"{url}/gradio_api/call/ask", json={"data": [question, "", 5]}).json()["event_id"]
        kind, data = "", ""
        with http.stream("GET", f"{url}/gradio_api/call/ask/{event}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:") and kind in ("complete", "error"):
                    data = line[5:].strip()
                    break
    if kind != "complete":
        raise RuntimeError(f"/ask answered {kind}: {data[:200]}")
    return json.loads(data)[0]


def one_run(variant: str, data_dir: Path | None, timeout: float) -> dict[str, Any]:
    port = free_port()
    log_file = Path(tempfile.mkdtemp(prefix="nachgefragt-start-")) / "app.log"
    started = time.perf_counter()
    proc = spawn_app(port, data_dir, VARIANTS[variant], log_file)
    try:
        while not port_open(port):
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited ({proc.returncode}): {log_file.read_text()[-2000:]}")
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"the app did not listen within {timeout:.0f} s")
            time.sleep(0.05)
        served = time.perf_counter() - started
        payload = ask_once(f"http://127.0.0.1:{port}", timeout)
        first = time.perf_counter() - started
    finally:
        stop_app(proc)
    if payload.get("error") or not payload.get("hits"):
        raise RuntimeError(f"the first answer was not an answer: {payload.get('error')!r}")
    lines = [ln for ln in log_file.read_text(errors="replace").splitlines()
             if "serving on" in ln or "ready to answer" in ln or "model ready" in ln]
    return {"variant": variant, "served_s": round(served, 2), "first_answer_s": round(first, 2), "log": lines}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.start", description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--variant", action="append", choices=sorted(VARIANTS), default=None)
    ap.add_argument("--data-dir", type=Path, default=None, help="the app's --data-dir (index built)")
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    variants = args.variant or ["default"]
    runs: list[dict[str, Any]] = []
    try:
        for n in range(args.runs):
            for variant in variants:  # alternating, so both see the same machine
                run = one_run(variant, args.data_dir, args.timeout)
                log.info("run %d %s: served %.1f s, first answer %.1f s", n + 1, variant, run["served_s"],
                         run["first_answer_s"])
                runs.append(run)
    except RuntimeError as exc:
        print(f"start measurement failed: {exc}", file=sys.stderr)
        return 1
    summary = {v: {"runs": sum(r["variant"] == v for r in runs),
                   "served_median_s": statistics.median(r["served_s"] for r in runs if r["variant"] == v),
                   "first_answer_median_s": statistics.median(r["first_answer_s"] for r in runs if r["variant"] == v)}
               for v in variants}
    for v, s in summary.items():
        print(f"{v}: page served after {s['served_median_s']:.1f} s, first answer after "
              f"{s['first_answer_median_s']:.1f} s (median of {s['runs']})")
    if args.json:
        command = command_line("eval.start", argv)
        args.json.write_text(json.dumps({"command": command, "summary": summary, "runs": runs,
                                         "meta": report_metadata(command)}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
