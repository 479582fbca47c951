"""Starting and stopping the app as a separate process on a free loopback port, and reading its
memory and CPU use: one helper for the load tool and the tests."""
from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Mapping, Sequence

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent


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


def spawn_app(port: int, data_dir: Path | None, app_args: Sequence[str], log_file: Path,
              env: Mapping[str, str] | None = None) -> subprocess.Popen:
    """Start `python app.py --port P` (loopback) from the repository root, output to log_file
    (`env`: extra environment variables)."""
    cmd = [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    cmd += list(app_args)
    log.info("starting the app: %s (log: %s)", " ".join(cmd), log_file)
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})}
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


def descendants(pid: int) -> list[int]:
    """Process ids of the children of `pid`, their children, … (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def tree_memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM in KiB summed over a process and its descendants (the app and its
    encoder process), plus "processes": how many were counted."""
    total: dict[str, int] = {"VmRSS": 0, "VmHWM": 0, "processes": 0}
    for p in [pid, *descendants(pid)]:
        mem = read_memory(p)
        if mem:
            total["processes"] += 1
            for key in ("VmRSS", "VmHWM"):
                total[key] += mem.get(key, 0)
    return total


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU seconds of a process and its descendants (None if the process is gone)."""
    own = cpu_seconds(pid)
    if own is None:
        return None
    return own + sum(c for c in (cpu_seconds(p) for p in descendants(pid)) if c is not None)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used so far (all its threads), from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks
