"""An `Embedder` whose model runs in its own process (serving/encoder_worker.py).

`ProcessEmbedder(model)` resolves the model here (cheap: paths, the verified EmbeddingGemma
folder, the dtype), starts the worker at once and returns without waiting: the worker
imports PyTorch and loads the model (≈ 10 s) while the app loads its index and serves its
page. The first call (or `wait_ready`) waits for it. `channels` requests can be under way at
once, each on its own socket and worker thread (the app's micro-batcher sends whole
batches, one per batch worker). A worker that cannot load the model reports why
(ModelNotAvailableError). One that dies later (killed, out of memory), dies again while a
restart loads the model, or hangs (no reply within `call_timeout` plus `per_text` seconds per
text: stopped, deadlocked) is killed if need be, started again and the call retried, at most
`max_restarts` times in ten minutes; after that calls raise EncoderGone.
"""
from __future__ import annotations

import logging
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from index.models.names import DEFAULT_MODEL
from index.defaults import DEFAULT_DATA
from index.models.ov_encoder import DEFAULT_ENCODER, EncoderChoice, choose_encoder
from index.models.resolve import ModelNotAvailableError, ResolvedModel, resolve_model

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent


class EncoderGone(RuntimeError):
    """The encoder process is not there any more (and was not brought back)."""


class _DiedLoading(ModelNotAvailableError):
    """The encoder process ended before every channel said hello."""


class _Hung(RuntimeError):
    """No reply from the encoder process in time."""


RESTART_WINDOW = 600.0  # seconds over which restarts are counted


class _Worker:
    """One encoder process and its channels (a restart makes a new one)."""

    def __init__(self, cmd: list[str], channels: int, restarted: bool = False) -> None:
        self.restarted = restarted  # a replacement for a worker that had loaded the model
        pairs = [socket.socketpair() for _ in range(channels)]
        fds = [theirs.fileno() for _, theirs in pairs]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        self.proc = subprocess.Popen([*cmd, "--fd", ",".join(map(str, fds))], pass_fds=fds, env=env,
                                     stdin=subprocess.DEVNULL)
        for _, theirs in pairs:
            theirs.close()
        self.conns = [Connection(ours.detach()) for ours, _ in pairs]
        self.free: queue.Queue[Connection] = queue.Queue()
        self.facts: dict[str, Any] | None = None
        self.failure: str | None = None
        self.died = False
        self._hello: dict[int, dict[str, Any]] = {}  # channel → its hello (kept across retried handshakes)

    def handshake(self, timeout: float) -> None:
        """Wait for every channel's hello (ModelNotAvailableError / TimeoutError). A handshake
        that timed out can be retried: channels that already said hello are not asked again."""
        if self.facts is not None:
            return
        if self.failure is not None:
            raise (_DiedLoading if self.died else ModelNotAvailableError)(self.failure)
        deadline = time.monotonic() + timeout
        for i, conn in enumerate(self.conns):
            if i in self._hello:
                continue
            try:
                arrived = conn.poll(max(0.0, deadline - time.monotonic()))
                kind, payload = conn.recv() if arrived else ("", None)
            except (EOFError, OSError):
                self.died = True
                self.failure = f"the encoder process ended while loading the model (exit code {self.proc.poll()})"
                raise _DiedLoading(self.failure) from None
            if not arrived:  # (TimeoutError is an OSError: raised outside the try above)
                raise TimeoutError(f"the encoder process did not load the model within {timeout:.0f} s")
            if kind != "ready":
                self.failure = str(payload)
                raise ModelNotAvailableError(self.failure)
            self._hello[i] = dict(payload)
        for conn in self.conns:
            self.free.put(conn)
        self.facts = self._hello[len(self.conns) - 1]

    def call(self, kind: str, payload: Any, timeout: float) -> tuple[str, Any]:
        """One request on a free channel; EOFError/OSError when the process has gone, _Hung
        when it does not reply within `timeout` seconds."""
        conn = self.free.get()
        try:
            conn.send((kind, payload))
            if not conn.poll(timeout):
                raise _Hung(f"no reply from the encoder process within {timeout:.0f} s")
            return conn.recv()
        finally:
            self.free.put(conn)  # a dead channel too: whoever waits for one fails fast

    def kill(self) -> None:
        """End the process at once (a stopped or hung one too); its channels then read EOF."""
        try:
            self.proc.kill()
        except OSError:
            pass

    def close(self, timeout: float) -> None:
        for conn in self.conns:
            try:
                conn.send(("stop", None))
            except OSError:
                pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout)
        for conn in self.conns:
            conn.close()


class ProcessEmbedder:
    """`index.models.embed.Embedder` over a worker process; thread-safe (up to `channels` calls run
    at once, more wait for a free channel)."""

    def __init__(self, model: str = DEFAULT_MODEL, cache_dir: Path = DEFAULT_DATA, *,
                 dtype: str = "auto", threads: int = 0, channels: int = 1, fallback: bool = True,
                 startup_timeout: float = 900.0, log_level: str = "INFO",
                 worker: str = "serving.encoder_worker", max_restarts: int = 3,
                 call_timeout: float = 60.0, per_text: float = 1.0, encoder: str = DEFAULT_ENCODER) -> None:
        """`threads`: PyTorch threads in the worker (0: its default); `channels`: calls that can
        run at once; `worker`: the module run as the worker (tests run a stand-in);
        `max_restarts`: how often a dead or hung worker is started again within ten minutes;
        `call_timeout` + `per_text` × texts: how long a call may wait for its reply before the
        worker counts as hung (generous: a batch of queries takes well under a second);
        `encoder`: "openvino" (the int8 export, where it exists and passed its parity check; else
        PyTorch and `encoder_choice.notice` says why) or "torch"."""
        if channels < 1:
            raise ValueError("channels must be at least 1")
        self.resolved: ResolvedModel = resolve_model(model, Path(cache_dir), dtype=dtype, fallback=fallback)
        self.model_id = self.resolved.model_id
        self.name = self.resolved.name
        self.dtype = self.resolved.dtype
        self.startup_timeout = startup_timeout
        self.max_restarts = max_restarts
        self.call_timeout = call_timeout
        self.per_text = per_text
        self.restarts: list[float] = []  # when the worker was started again
        self._cmd = [sys.executable, "-m", worker, "--model", self.resolved.path, "--data-dir", str(cache_dir),
                     "--dtype", self.dtype, "--threads", str(threads), "--log-level", log_level]
        self.encoder_choice: EncoderChoice = choose_encoder(encoder, self.name, Path(cache_dir), Path(self.resolved.path))
        if self.encoder_choice.notice:
            log.warning("%s", self.encoder_choice.notice)
        if self.encoder_choice.kind == "openvino":
            self._cmd += ["--encoder", "openvino", "--encoder-dir", self.encoder_choice.path]
        self._channels = channels
        log.info("starting the encoder process for %s (%s)", self.model_id, self.encoder_choice.label)
        self._worker = _Worker(self._cmd, channels)
        self._lock = threading.Lock()  # guards the handshake and restarts

    # --- start-up -------------------------------------------------------------------
    def ready(self) -> bool:
        """True once the model is loaded (never waits)."""
        return self._worker.facts is not None

    def wait_ready(self, timeout: float | None = None) -> None:
        """Wait for the model; ModelNotAvailableError when the worker could not load it,
        TimeoutError when it takes longer than `timeout` (default: startup_timeout)."""
        with self._lock:
            self._worker.handshake(self.startup_timeout if timeout is None else timeout)

    def _fact(self, key: str) -> Any:
        self.wait_ready()
        assert self._worker.facts is not None
        return self._worker.facts[key]

    @property
    def dim(self) -> int:
        return int(self._fact("dim"))

    @property
    def query_prompt(self) -> str:
        return str(self._fact("query_prompt"))

    @property
    def passage_prompt(self) -> str:
        return str(self._fact("passage_prompt"))

    # --- embedding --------------------------------------------------------------------
    def _restart(self, dead: _Worker, why: str = "has gone") -> None:
        """Start a new worker in place of `dead` (once, whoever notices first), or raise
        EncoderGone when it has died too often."""
        with self._lock:
            if self._worker is not dead:
                return  # another thread has done it
            now = time.monotonic()
            self.restarts = [t for t in self.restarts if now - t < RESTART_WINDOW]
            code = dead.proc.poll()
            if len(self.restarts) >= self.max_restarts:
                raise EncoderGone(f"the encoder process {why} (exit code {code}) and was restarted "
                                  f"{len(self.restarts)} times in {RESTART_WINDOW / 60:.0f} minutes")
            log.error("the encoder process %s (exit code %s): starting it again", why, code)
            self.restarts.append(now)
            dead.close(timeout=2)
            self._worker = _Worker(self._cmd, self._channels, restarted=True)

    def _call(self, kind: str, payload: Any, texts: int) -> np.ndarray:
        timeout = self.call_timeout + self.per_text * texts
        while True:
            worker = self._worker
            try:
                with self._lock:
                    worker.handshake(self.startup_timeout)
            except _DiedLoading:
                if not worker.restarted:
                    raise  # the first start: the model cannot be loaded here (ModelNotAvailableError)
                self._restart(worker, "died while loading the model")
                continue
            try:
                status, result = worker.call(kind, payload, timeout)
                break
            except _Hung as exc:
                log.error("%s: killing it", exc)
                worker.kill()
                self._restart(worker, f"did not reply within {timeout:.0f} s")
            except (EOFError, OSError):
                self._restart(worker)  # then try again on the new one
        if status != "ok":
            raise RuntimeError(f"the encoder process failed: {result}")
        return np.ascontiguousarray(result, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("expected a sequence of texts, got a single str")
        return self._call("queries", list(texts), len(texts))

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False,
                        titles: Sequence[str] | None = None) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("expected a sequence of texts, got a single str")
        return self._call("passages", (list(texts), show_progress, None if titles is None else list(titles)), len(texts))

    def close(self, timeout: float = 10.0) -> None:
        """Stop the worker (it also stops by itself when this process ends)."""
        self._worker.close(timeout)
