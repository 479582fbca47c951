"""An `Embedder` whose model runs in its own process (index/encoder_worker.py).

`ProcessEmbedder(model)` resolves the model here (cheap: paths, the verified EmbeddingGemma
folder, the dtype), starts the worker at once and returns without waiting: the worker
imports PyTorch and loads the model (≈ 10 s) while the app loads its index and serves its
page. The first call (or `wait_ready`) waits for it. `channels` requests can be under way at
once, each on its own socket and worker thread (the app's micro-batcher sends whole
batches, one per batch worker). A worker that cannot load the model reports
why (ModelNotAvailableError); one that dies later makes every call raise EncoderGone.
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

from index.config import DEFAULT_MODEL
from index.defaults import DEFAULT_DATA
from index.resolve import ModelNotAvailableError, ResolvedModel, resolve_model

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent


class EncoderGone(RuntimeError):
    """The encoder process is not there any more."""


class ProcessEmbedder:
    """`index.embed.Embedder` over a worker process; thread-safe (up to `channels` calls run
    at once, more wait for a free channel)."""

    def __init__(self, model: str = DEFAULT_MODEL, cache_dir: Path = DEFAULT_DATA, *,
                 dtype: str = "auto", threads: int = 0, channels: int = 1, fallback: bool = True,
                 startup_timeout: float = 900.0, log_level: str = "INFO",
                 worker: str = "index.encoder_worker") -> None:
        """`threads`: PyTorch threads in the worker (0: its default); `channels`: calls that can
        run at once; `worker`: the module run as the worker (tests run a stand-in)."""
        if channels < 1:
            raise ValueError("channels must be at least 1")
        self.resolved: ResolvedModel = resolve_model(model, Path(cache_dir), dtype=dtype, fallback=fallback)
        self.model_id = self.resolved.model_id
        self.name = self.resolved.name
        self.dtype = self.resolved.dtype
        self.startup_timeout = startup_timeout
        pairs = [socket.socketpair() for _ in range(channels)]
        fds = [theirs.fileno() for _, theirs in pairs]
        cmd = [sys.executable, "-m", worker, "--fd", ",".join(map(str, fds)),
               "--model", self.resolved.path, "--data-dir", str(cache_dir), "--dtype", self.dtype,
               "--threads", str(threads), "--log-level", log_level]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        log.info("starting the encoder process for %s (%s)", self.model_id, self.dtype)
        self._proc = subprocess.Popen(cmd, pass_fds=fds, env=env, stdin=subprocess.DEVNULL)
        for _, theirs in pairs:
            theirs.close()
        self._conns = [Connection(ours.detach()) for ours, _ in pairs]
        self._free: queue.Queue[Connection] = queue.Queue()
        self._lock = threading.Lock()  # guards the start-up handshake
        self._facts: dict[str, Any] | None = None
        self._failure: str | None = None

    @property
    def pid(self) -> int:
        return self._proc.pid

    # --- start-up -------------------------------------------------------------------
    def ready(self) -> bool:
        """True once the model is loaded (never waits)."""
        return self._facts is not None

    def wait_ready(self, timeout: float | None = None) -> None:
        """Wait for the model; ModelNotAvailableError when the worker could not load it,
        TimeoutError when it takes longer than `timeout` (default: startup_timeout)."""
        with self._lock:
            self._wait_locked(self.startup_timeout if timeout is None else timeout)

    def _wait_locked(self, timeout: float) -> None:
        if self._facts is not None:
            return
        if self._failure is not None:
            raise ModelNotAvailableError(self._failure)
        deadline = time.monotonic() + timeout
        facts: dict[str, Any] = {}
        for conn in self._conns:  # every channel says hello
            try:
                arrived = conn.poll(max(0.0, deadline - time.monotonic()))
                kind, payload = conn.recv() if arrived else ("", None)
            except (EOFError, OSError):
                code = self._proc.poll()
                self._failure = f"the encoder process ended while loading the model (exit code {code})"
                raise ModelNotAvailableError(self._failure) from None
            if not arrived:  # (TimeoutError is an OSError: raised outside the try above)
                raise TimeoutError(f"the encoder process did not load the model within {timeout:.0f} s")
            if kind != "ready":
                self._failure = str(payload)
                raise ModelNotAvailableError(self._failure)
            facts = dict(payload)
        for conn in self._conns:
            self._free.put(conn)
        self._facts = facts

    def _fact(self, key: str) -> Any:
        self.wait_ready()
        assert self._facts is not None
        return self._facts[key]

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
    def _call(self, kind: str, payload: Any) -> np.ndarray:
        self.wait_ready()
        conn = self._free.get()
        try:
            conn.send((kind, payload))
            status, result = conn.recv()
        except (EOFError, OSError):
            raise EncoderGone(f"the encoder process has gone (exit code {self._proc.poll()})") from None
        finally:
            self._free.put(conn)
        if status != "ok":
            raise RuntimeError(f"the encoder process failed: {result}")
        return np.ascontiguousarray(result, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("expected a sequence of texts, got a single str")
        return self._call("queries", list(texts))

    def encode_passages(self, texts: Sequence[str], show_progress: bool = False,
                        titles: Sequence[str] | None = None) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("expected a sequence of texts, got a single str")
        return self._call("passages", (list(texts), show_progress, None if titles is None else list(titles)))

    def close(self, timeout: float = 10.0) -> None:
        """Stop the worker (it also stops by itself when this process ends)."""
        for conn in self._conns:
            try:
                conn.send(("stop", None))
            except OSError:
                pass
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout)
        for conn in self._conns:
            conn.close()
