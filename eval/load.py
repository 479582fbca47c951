"""Load test: N concurrent gradio_client clients asking varied questions of the running app.

    python -m eval.load --url http://127.0.0.1:7860 --clients 40 --seconds 60 [--json FILE] [--pid PID]
    python -m eval.load --spawn [--data-dir .nachgefragt] [--app-arg=--queue-size=64] --clients 40 --seconds 60

Each client is one thread with its own `gradio_client.Client` (its own session), asking
questions from eval/questions/{dev,test}.jsonl in a shuffled order through the app's named
API endpoint (`/ask`), one after another (closed loop; `--think S` pauses a random time of mean S between
questions). `--client http` uses Gradio's plain HTTP API instead of gradio_client (same endpoint,
a fraction of the CPU: on a small machine the clients otherwise compete with the app).
The run is bounded in time (`--seconds`), in requests (`--max-requests`) and per request
(`--timeout`), and only ever talks to a loopback address.

Reported: requests, answers, throughput, latency p50/p95/p99/max of answered requests, errors
(count and the first messages), busy rejections ("queue full", counted apart from errors, with
how fast they came back), and with `--pid` or `--spawn` the app's resident memory (VmRSS, peak
VmHWM) before and after the load and its CPU use during it.

`--spawn` starts `python app.py --port P` on a free loopback port, waits until it answers
(the first start builds the index), runs the load, reads its memory and stops it again, so
one command makes the whole measurement.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio_client is imported

log = logging.getLogger("eval.load")

ROOT = Path(__file__).resolve().parent.parent
QUESTION_FILES = (ROOT / "eval" / "questions" / "dev.jsonl", ROOT / "eval" / "questions" / "test.jsonl")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_API_NAME = "/ask"
MAX_ERROR_MESSAGES = 5
BUSY_MARKERS = ("queue is full", "queue_full", "too many requests")


# --------------------------------------------------------------------------- pure parts

@dataclass(frozen=True, slots=True)
class Outcome:
    """One request: when it started (seconds since the load began), how long it took, and
    its kind: "ok" (an answer), "busy" (rejected because the queue is full) or "error"."""

    client: int
    started: float
    seconds: float
    kind: str
    message: str = ""


@dataclass(frozen=True, slots=True)
class Summary:
    """What a load run measured (all latencies in milliseconds)."""

    clients: int
    seconds: float
    requests: int
    answered: int
    errors: int
    busy: int
    throughput_rps: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    mean_ms: float | None
    busy_p95_ms: float | None
    error_messages: list[str] = field(default_factory=list)


def check_loopback(url: str) -> str:
    """The URL without a trailing slash, or ValueError when it does not point at this machine."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"--url must start with http:// (got {url!r})")
    host = (parts.hostname or "").lower()
    if host not in LOOPBACK_HOSTS:
        raise ValueError(
            f"refusing to load-test {host or url!r}: only loopback addresses are allowed "
            f"({', '.join(LOOPBACK_HOSTS)}); this tool must never hammer another machine"
        )
    return url.rstrip("/")


def percentile(sorted_values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of already sorted values; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, min(len(sorted_values), int(-(-q * len(sorted_values) // 100))))
    return sorted_values[rank - 1]


def classify(exc: BaseException) -> str:
    """"busy" when the server refused the request because its queue is full, else "error"."""
    name = type(exc).__name__
    text = str(exc).lower()
    if name in ("QueueError", "TooManyRequestsError") or any(m in text for m in BUSY_MARKERS):
        return "busy"
    return "error"


def check_payload(payload: object) -> str:
    """"" for a proper answer of the /ask endpoint, otherwise what is wrong with it."""
    if not isinstance(payload, dict):
        return f"unexpected response type {type(payload).__name__}"
    if payload.get("error"):
        return f"answer error: {payload['error']}"
    if not isinstance(payload.get("hits"), list):
        return "response without hits"
    return ""


def summarise(outcomes: Sequence[Outcome], clients: int, wall_seconds: float) -> Summary:
    """Throughput and latency percentiles of the answered requests; errors and busy apart."""
    ok = sorted(o.seconds * 1000 for o in outcomes if o.kind == "ok")
    busy = sorted(o.seconds * 1000 for o in outcomes if o.kind == "busy")
    errors = [o for o in outcomes if o.kind == "error"]
    messages: list[str] = []
    for o in errors:
        if o.message not in messages:
            messages.append(o.message)
        if len(messages) == MAX_ERROR_MESSAGES:
            break

    def r(x: float | None) -> float | None:
        return None if x is None else round(x, 1)

    return Summary(
        clients=clients,
        seconds=round(wall_seconds, 2),
        requests=len(outcomes),
        answered=len(ok),
        errors=len(errors),
        busy=len(busy),
        throughput_rps=round(len(ok) / wall_seconds, 2) if wall_seconds > 0 else 0.0,
        p50_ms=r(percentile(ok, 50)),
        p95_ms=r(percentile(ok, 95)),
        p99_ms=r(percentile(ok, 99)),
        max_ms=r(ok[-1] if ok else None),
        mean_ms=r(sum(ok) / len(ok) if ok else None),
        busy_p95_ms=r(percentile(busy, 95)),
        error_messages=messages,
    )


def load_questions(paths: Sequence[Path] = QUESTION_FILES) -> list[str]:
    """Every question text of the labelled sets (varied: citizens, keywords, six languages)."""
    out: list[str] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(str(json.loads(line)["question"]))
    if not out:
        raise ValueError("no questions found")
    return out


def read_memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process in KiB, from /proc/PID/status ({} if unreadable)."""
    out: dict[str, int] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used so far (all its threads), from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


# ----------------------------------------------------------------------------- the load

@dataclass(frozen=True, slots=True)
class LoadConfig:
    """One load run. `think` pauses a client between its questions (0 = as fast as it can)."""

    url: str
    clients: int = 40
    seconds: float = 60.0
    max_requests: int = 100_000
    timeout: float = 30.0
    think: float = 0.0
    api_name: str = DEFAULT_API_NAME
    seed: int = 2025
    client: str = "gradio"


class _Budget:
    """A shared request counter: no more than `limit` requests in all."""

    def __init__(self, limit: int) -> None:
        self._left = limit
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self._left <= 0:
                return False
            self._left -= 1
            return True


class GradioClient:
    """One session of the official `gradio_client` (what the brief and outside tools use)."""

    def __init__(self, url: str, timeout: float) -> None:
        from gradio_client import Client

        self._client = Client(url, verbose=False, max_workers=2, download_files=False, analytics_enabled=False,
                              httpx_kwargs={"timeout": timeout})

    def ask(self, question: str, api_name: str, timeout: float) -> tuple[str, str]:
        """(kind, message) of one request through the named endpoint."""
        job = self._client.submit(question=question, chapter="", top_k=5, api_name=api_name)
        try:
            payload = job.result(timeout=timeout)
        except TimeoutError:
            job.cancel()
            return "error", f"no answer within {timeout:g} s (hang?)"
        problem = check_payload(payload)
        return ("error", problem) if problem else ("ok", "")

    def close(self) -> None:
        self._client.close()


class HttpClient:
    """The same named endpoint through Gradio's plain HTTP API (POST /gradio_api/call/NAME, then
    read the event stream), with one keep-alive connection. gradio_client polls its queues
    every 50 ms and costs ~90 ms of CPU per request on the load machine; this costs ~3 ms, so
    on a 2-core machine it shows what the app itself can do."""

    def __init__(self, url: str, timeout: float) -> None:
        import httpx

        self._url = url
        self._http = httpx.Client(timeout=timeout)
        self._http.get(f"{url}/config").raise_for_status()

    def ask(self, question: str, api_name: str, timeout: float) -> tuple[str, str]:
        name = api_name.strip("/")
        started = time.perf_counter()
        resp = self._http.post(f"{self._url}/gradio_api/call/{name}", json={"data": [question, "", 5]})
        if resp.status_code in (429, 503):
            return "busy", f"HTTP {resp.status_code}: {resp.text[:200]}"
        if resp.status_code != 200:
            return "error", f"HTTP {resp.status_code}: {resp.text[:200]}"
        event_id = resp.json()["event_id"]
        event, data = "", ""
        with self._http.stream("GET", f"{self._url}/gradio_api/call/{name}/{event_id}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data = line[5:].strip()
                    if event in ("complete", "error"):
                        break
                if time.perf_counter() - started > timeout:
                    return "error", f"no answer within {timeout:g} s (hang?)"
        if event != "complete":
            kind = classify(Exception(data))
            return kind, f"{event or 'no event'}: {data[:200]}"
        payload = json.loads(data)
        problem = check_payload(payload[0] if isinstance(payload, list) and payload else payload)
        return ("error", problem) if problem else ("ok", "")

    def close(self) -> None:
        self._http.close()


CLIENTS: dict[str, Callable[[str, float], Any]] = {"gradio": GradioClient, "http": HttpClient}


def run_load(config: LoadConfig, questions: Sequence[str]) -> tuple[Summary, list[Outcome]]:
    """Run `config.clients` client threads against the app; every thread stops at the deadline,
    when the shared request budget is used up, or after one request past its timeout."""
    url = check_loopback(config.url)
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    budget = _Budget(config.max_requests)
    ready = threading.Barrier(config.clients + 1)
    clock: dict[str, float] = {}

    def record(o: Outcome) -> None:
        with lock:
            outcomes.append(o)

    def client_thread(n: int) -> None:
        rnd = random.Random(config.seed * 1000 + n)
        order = list(questions)
        rnd.shuffle(order)
        client = None
        setup_error = ""
        try:
            client = CLIENTS[config.client](url, config.timeout)
        except Exception as exc:  # noqa: BLE001 -- any failure to connect is a measured error
            setup_error = f"client could not connect: {type(exc).__name__}: {exc}"
        try:
            ready.wait(timeout=config.timeout + 60)
        except threading.BrokenBarrierError:
            return
        start, deadline = clock["start"], clock["deadline"]
        if client is None:
            record(Outcome(n, 0.0, 0.0, classify(Exception(setup_error)), setup_error))
            return
        if config.think > 0:  # people do not all start at the same moment
            time.sleep(rnd.uniform(0, config.think))
        i = 0
        while time.perf_counter() < deadline and budget.take():
            question = order[i % len(order)]
            i += 1
            t0 = time.perf_counter()
            try:
                kind, message = client.ask(question, config.api_name, config.timeout)
            except Exception as exc:  # noqa: BLE001 -- every failure is counted, none stops the run
                kind, message = classify(exc), f"{type(exc).__name__}: {exc}"[:300]
            record(Outcome(n, t0 - start, time.perf_counter() - t0, kind, message))
            if kind == "busy":
                time.sleep(min(0.5, max(0.0, deadline - time.perf_counter())))  # back off like a person would
            elif config.think > 0:  # random pauses (mean `think`), so clients do not move in lockstep
                pause = min(rnd.expovariate(1 / config.think), 4 * config.think)
                time.sleep(min(pause, max(0.0, deadline - time.perf_counter())))
        try:
            client.close()
        except Exception:  # noqa: BLE001
            pass

    threads = [threading.Thread(target=client_thread, args=(n,), name=f"load-{n}", daemon=True)
               for n in range(config.clients)]
    for t in threads:
        t.start()
    log.info("connecting %d clients to %s", config.clients, url)
    _wait_barrier(ready, clock, config.seconds, timeout=config.timeout + 60)  # the clock starts when all are in
    log.info("load running for %.0f s", config.seconds)
    for t in threads:
        t.join(timeout=max(0.0, clock["deadline"] - time.perf_counter()) + config.timeout + 10)
    elapsed = time.perf_counter() - clock["start"]
    with lock:
        snapshot = list(outcomes)
    # from the common start to the last answer (not to the last thread's clean-up)
    wall = max((o.started + o.seconds for o in snapshot), default=0.0) or elapsed
    return summarise(snapshot, config.clients, max(wall, 1e-3)), snapshot


def _wait_barrier(ready: threading.Barrier, clock: dict[str, float], seconds: float, timeout: float) -> None:
    """Set the common start and deadline just before releasing the waiting client threads."""
    deadline = time.perf_counter() + timeout
    while ready.n_waiting < ready.parties - 1:
        if time.perf_counter() > deadline:
            ready.abort()
            raise TimeoutError("clients did not connect in time")
        time.sleep(0.01)
    clock["start"] = time.perf_counter()
    clock["deadline"] = clock["start"] + seconds
    ready.wait()


# -------------------------------------------------------------------------- the app

def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def wait_until_serving(url: str, proc: subprocess.Popen | None, timeout: float, log_file: Path | None = None) -> float:
    """Poll the app's /config until it answers; seconds waited. Raises RuntimeError if the
    process exits first or nothing answers in time."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc is not None and proc.poll() is not None:
            tail = log_file.read_text(errors="replace")[-3000:] if log_file and log_file.exists() else ""
            raise RuntimeError(f"the app exited with code {proc.returncode} before serving:\n{tail}")
        try:
            with urllib.request.urlopen(f"{url}/config", timeout=2) as resp:  # noqa: S310 -- loopback only
                if resp.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the app did not answer at {url} within {timeout:.0f} s")


def spawn_app(port: int, data_dir: Path | None, app_args: Sequence[str], log_file: Path) -> subprocess.Popen:
    """Start `python app.py --port P` (loopback) from the repository root, output to log_file."""
    cmd = [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    cmd += list(app_args)
    log.info("starting the app: %s (log: %s)", " ".join(cmd), log_file)
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    with open(log_file, "wb") as out:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)


def stop_app(proc: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM the app we started (its own process group), SIGKILL if it does not go."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=grace)
    except ProcessLookupError:
        pass


def measure(config: LoadConfig, pid: int | None, questions: Sequence[str]) -> dict[str, Any]:
    """Memory before, the load, memory and CPU after: one report dict."""
    before = read_memory(pid) if pid else {}
    cpu0 = cpu_seconds(pid) if pid else None
    own0 = time.process_time()
    summary, _ = run_load(config, questions)
    own_cpu = time.process_time() - own0
    cpu1 = cpu_seconds(pid) if pid else None
    after = read_memory(pid) if pid else {}
    report: dict[str, Any] = {"url": config.url, "api_name": config.api_name, "client": config.client,
                              "think_seconds": config.think,
                              "timeout_seconds": config.timeout, "max_requests": config.max_requests,
                              **asdict(summary)}
    if pid:
        report["app_pid"] = pid
        report["rss_before_mib"] = round(before.get("VmRSS", 0) / 1024, 1) or None
        report["rss_after_mib"] = round(after.get("VmRSS", 0) / 1024, 1) or None
        report["rss_peak_mib"] = round(after.get("VmHWM", 0) / 1024, 1) or None
        if cpu0 is not None and cpu1 is not None and summary.seconds > 0:
            used = cpu1 - cpu0
            report["app_cpu_seconds"] = round(used, 1)
            report["app_cpu_cores_busy"] = round(used / summary.seconds, 2)
            report["app_cpu_ms_per_answer"] = round(1000 * used / summary.answered, 1) if summary.answered else None
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
        f"{report['busy']} busy",
        f"throughput {report['throughput_rps']:.1f} answers/s; latency ms p50 {ms('p50_ms')} p95 {ms('p95_ms')} "
        f"p99 {ms('p99_ms')} max {ms('max_ms')} (mean {ms('mean_ms')}); busy rejections p95 {ms('busy_p95_ms')} ms",
    ]
    if report.get("app_pid"):
        lines.append(
            f"app pid {report['app_pid']}: RSS {report.get('rss_before_mib')} MiB before, "
            f"{report.get('rss_after_mib')} MiB after (peak {report.get('rss_peak_mib')} MiB); "
            f"CPU {report.get('app_cpu_cores_busy')} of {report.get('cores')} cores busy, "
            f"{report.get('app_cpu_ms_per_answer')} ms CPU per answer"
        )
    if report.get("load_generator_cpu_cores_busy") is not None:
        lines.append(f"the load generator itself kept {report['load_generator_cpu_cores_busy']} cores busy")
    for message in report.get("error_messages") or []:
        lines.append(f"error: {message}")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m eval.load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default=None, help="the running app (loopback only), e.g. http://127.0.0.1:7860")
    ap.add_argument("--clients", type=int, default=40, help="concurrent clients (default 40)")
    ap.add_argument("--seconds", type=float, default=60.0, help="how long the load lasts (default 60)")
    ap.add_argument("--max-requests", type=int, default=100_000, help="at most this many requests in all")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds before one request counts as hung")
    ap.add_argument("--think", type=float, default=0.0, help="pause of a client between its questions (s)")
    ap.add_argument("--api-name", default=DEFAULT_API_NAME, help="the app's API endpoint (default /ask)")
    ap.add_argument("--client", choices=sorted(CLIENTS), default="gradio",
                    help="gradio: gradio_client (default); http: Gradio's plain HTTP API, far lighter on the CPU")
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
    if args.spawn == (args.url is not None):
        print("give either --url (a running app) or --spawn (start one)", file=sys.stderr)
        return 2
    questions = load_questions()
    proc = None
    log_dir = Path(tempfile.mkdtemp(prefix="nachgefragt-load-"))
    try:
        if args.spawn:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            log_file = log_dir / "app.log"
            proc = spawn_app(port, args.data_dir, args.app_arg, log_file)
            waited = wait_until_serving(url, proc, args.startup_timeout, log_file)
            print(f"app pid {proc.pid} serving at {url} after {waited:.1f} s (log: {log_file})", file=sys.stderr)
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
                            client=args.client)
        report = measure(config, pid, questions)
    except (RuntimeError, TimeoutError) as exc:
        print(f"load test failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if proc is not None:
            stop_app(proc)
    print(format_report(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
