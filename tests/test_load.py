"""Load tests (marked `load`): short runs of eval/load.py against the app.

- In process, with the fake pipeline: 10 clients × 10 s through the real Gradio app
  (`app.build_demo` + `app.launch`), zero errors, a sane p95.
- Overload: a slow pipeline, one worker and a queue of two; 12 clients get answers or a quick
  "queue is full" rejection, never a hang (every request is bounded by a timeout).
- With the real model (also `real_model`): `python -m eval.load --spawn` starts `python app.py`
  itself, 10 clients × 10 s, zero errors; the report carries the app's resident memory.

The full measurement (40 clients × 60 s, real model) is in docs/reliability.md.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
from inprocess_app import serve_app

from eval.load import LoadConfig, Outcome, check_loopback, run_load, summarise
from eval.questions import question_texts as load_questions
from eval.stats import percentile
from qa.pipeline import QA

pytestmark = pytest.mark.load
ROOT = Path(__file__).resolve().parent.parent


class SlowQA(QA):
    """The fake pipeline, but every encoder pass takes `seconds` (like a busy model; the app
    asks through the batcher, one question a pass with one worker)."""

    seconds = 0.4

    def complete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(self.seconds)
        return super().complete(*args, **kwargs)


@pytest.fixture()
def fake_app(fake_qa: QA, tmp_path: Path) -> Iterator[str]:
    """The real app over the fake pipeline, with the app's default limits."""
    yield from (u.rstrip("/") for u in serve_app(fake_qa, tmp_path, concurrency=4, queue_size=32))


@pytest.fixture()
def tiny_app(fake_qa: QA, tmp_path: Path) -> Iterator[str]:
    """A slow pipeline (0.4 s an answer) behind one worker and a queue of two."""
    yield from (u.rstrip("/") for u in serve_app(SlowQA(fake_qa.index, fake_qa.embedder), tmp_path, concurrency=1, queue_size=2))


def test_short_load_without_errors(fake_app: str) -> None:
    summary, outcomes = run_load(LoadConfig(fake_app, clients=10, seconds=10, timeout=20, max_requests=5000),
                                 load_questions())
    assert summary.errors == 0, summary.error_messages
    assert summary.busy == 0
    # a bound generous enough for a loaded machine (requests time out at 20 s)
    assert summary.answered >= 50 and summary.p95_ms is not None and summary.p95_ms < 10_000, summary
    assert {o.client for o in outcomes} == set(range(10)), "every client got answers"


def test_short_load_through_the_json_api_without_errors(fake_app: str) -> None:
    """`--client api`: the plain JSON endpoint beside the page (GET /api/ask), no Gradio queue."""
    summary, outcomes = run_load(LoadConfig(fake_app, clients=6, seconds=5, timeout=20, max_requests=2000, client="api"),
                                 load_questions())
    assert summary.errors == 0, summary.error_messages
    assert summary.answered >= 20 and summary.busy == 0, summary
    assert {o.client for o in outcomes} == set(range(6))


def test_overload_gets_a_quick_busy_answer_not_a_hang(tiny_app: str) -> None:
    started = time.perf_counter()
    summary, outcomes = run_load(LoadConfig(tiny_app, clients=12, seconds=6, timeout=15, max_requests=500),
                                 load_questions())
    assert time.perf_counter() - started < 6 + 15 + 120, "the run itself is bounded (no hang)"
    assert summary.errors == 0, summary.error_messages  # every request: an answer or a busy rejection
    assert summary.busy > 0 and summary.answered > 0, summary
    busy = sorted(o.seconds for o in outcomes if o.kind == "busy")
    answered = sorted(o.seconds for o in outcomes if o.kind == "ok")
    # a rejection is quick: it does not wait in the queue, so it comes back faster than an
    # answer (which waits for the one worker); measured against each other, not a clock
    assert busy[len(busy) // 2] < answered[len(answered) // 2], (busy, answered)


@pytest.mark.real_model
def test_spawned_real_app_short_load(tmp_path: Path, real_data_dir: Path) -> None:
    """One command: start app.py on the real default model, load it, stop it."""
    data_dir = real_data_dir
    report_file = tmp_path / "load.json"
    done = subprocess.run(
        [sys.executable, "-m", "eval.load", "--spawn", "--data-dir", str(data_dir), "--clients", "10",
         "--seconds", "10", "--timeout", "30", "--json", str(report_file)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    report = json.loads(report_file.read_text())
    assert report["errors"] == 0 and report["busy"] == 0 and report["answered"] >= 20
    assert report["p95_ms"] < 15_000  # generous for a loaded machine; requests time out at 30 s
    assert 100 < report["rss_after_mib"] < 4000


# ------------------------------------------------------------ the tool's own pure parts

def test_only_loopback_urls_are_accepted() -> None:
    assert check_loopback("http://127.0.0.1:7860/") == "http://127.0.0.1:7860"
    assert check_loopback("http://localhost:7860") == "http://localhost:7860"
    assert check_loopback("http://[::1]:7860") == "http://[::1]:7860"
    for url in ("http://192.168.1.5:7860", "https://example.org", "http://127.0.0.1.example.org:80", "ftp://127.0.0.1"):
        with pytest.raises(ValueError, match="only loopback|http://"):
            check_loopback(url)


def test_cli_refuses_a_remote_url() -> None:
    done = subprocess.run([sys.executable, "-m", "eval.load", "--url", "http://10.0.0.1:7860", "--seconds", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "only loopback addresses are allowed" in done.stderr


def test_percentiles_and_summary() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50.0, 95.0, 99.0)
    assert percentile([], 50) is None and percentile([7.0], 99) == 7.0
    outcomes = [Outcome(0, 0.0, 0.1, "ok"), Outcome(0, 0.1, 0.3, "ok"), Outcome(1, 0.0, 0.01, "busy"),
                Outcome(1, 0.5, 2.0, "error", "boom"), Outcome(1, 0.6, 2.0, "error", "boom")]
    s = summarise(outcomes, clients=2, wall_seconds=2.0)
    assert (s.requests, s.answered, s.busy, s.errors) == (5, 2, 1, 2)
    assert s.throughput_rps == 1.0 and s.p50_ms == 100.0 and s.max_ms == 300.0 and s.error_messages == ["boom"]


@pytest.mark.real_model
def test_start_measurement_serves_the_page_before_the_model_and_then_answers(tmp_path: Path,
                                                                            real_data_dir: Path) -> None:
    """`python -m eval.start`: the page is served before the first answer (the model loads in
    the encoder process meanwhile), and the first answer is a real one."""
    out = tmp_path / "start.json"
    done = subprocess.run([sys.executable, "-m", "eval.start", "--runs", "1", "--data-dir", str(real_data_dir),
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    run = json.loads(out.read_text())["runs"][0]
    assert 0 < run["served_s"] < run["first_answer_s"]
    assert any("serving on" in line for line in run["log"]) and any("ready to answer" in line for line in run["log"])


@pytest.mark.real_model
def test_a_killed_encoder_process_is_started_again_under_the_running_app(tmp_path: Path, real_data_dir: Path) -> None:
    """SIGKILL the app's encoder process: the next question is still answered (a new encoder
    is started), and the app says so in its log."""
    import os
    import signal

    from eval.appserver import descendants, free_port, spawn_app, stop_app, wait_until_serving
    from eval.start import ask_once

    port, log_file = free_port(), tmp_path / "app.log"
    url = f"http://127.0.0.1:{port}"
    proc = spawn_app(port, real_data_dir, [], log_file)
    try:
        wait_until_serving(url, proc, 600, log_file)
        assert ask_once(url, 300)["hits"]
        (encoder,) = descendants(proc.pid)
        os.kill(encoder, signal.SIGKILL)
        started = time.perf_counter()
        answer = ask_once(url, 300, "Wie stehen die Grünen zu Radwegen?")  # not in the cache
        print(f"\nanswered {time.perf_counter() - started:.1f} s after the encoder was killed")
        assert answer["hits"] and not answer["error"]
        assert descendants(proc.pid) and encoder not in descendants(proc.pid)
        assert "starting it again" in log_file.read_text()
    finally:
        stop_app(proc)
