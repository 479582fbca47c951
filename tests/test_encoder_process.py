"""The encoder process (serving/encoder_process.py + serving/encoder_worker.py): the same vectors
as the model in-process, calls on several channels at once, and clear errors when the worker
cannot load its model, never says hello, dies (also while a restart loads the model) or hangs. The worker here is tests/fake_encoder_worker.py
(the fake embedder); tests/test_gemma_real.py runs the real worker with EmbeddingGemma."""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeEmbedder

from serving.encoder_process import EncoderGone, ProcessEmbedder
from index.models.resolve import ModelNotAvailableError

TESTS = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _worker_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])))


def start(model: str, tmp_path: Path, **kw) -> ProcessEmbedder:
    return ProcessEmbedder(model, tmp_path, worker="fake_encoder_worker", fallback=False, **kw)


def test_vectors_come_back_as_from_the_model_itself_on_every_channel(tmp_path: Path) -> None:
    emb = start("fake", tmp_path, channels=2)
    t0 = time.perf_counter()
    assert time.perf_counter() - t0 < 1.0
    local = FakeEmbedder()
    questions = [f"Frage {i} zum Flughafen und den Radwegen" for i in range(40)]
    np.testing.assert_array_equal(emb.encode_queries(questions[:3]), local.encode_queries(questions[:3]))
    titled = emb.encode_passages(["Radwege bauen"], titles=["Mobilität"])
    np.testing.assert_array_equal(titled, local.encode_passages(["Radwege bauen"], titles=["Mobilität"]))
    assert (emb.dim, emb.query_prompt, emb.ready()) == (local.dim, "q: ", True)
    assert emb.encode_queries([]).shape == (0, local.dim)
    with pytest.raises(TypeError):
        emb.encode_queries("eine Frage, kein Stapel")
    results: dict[int, np.ndarray] = {}

    def ask(i: int) -> None:
        results[i] = emb.encode_queries(questions[i * 10:(i + 1) * 10])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    for i in range(4):  # each caller gets the vectors of its own texts
        np.testing.assert_array_equal(results[i], local.encode_queries(questions[i * 10:(i + 1) * 10]))
    emb.close()
    assert emb._worker.proc.poll() is not None  # the worker is gone after close


def test_a_worker_that_cannot_load_its_model_says_why(tmp_path: Path) -> None:
    emb = start("fail", tmp_path)
    with pytest.raises(ModelNotAvailableError, match="not available locally"):
        emb.encode_queries(["Flughafen"])
    with pytest.raises(ModelNotAvailableError):  # and keeps saying it
        emb.wait_ready(1)
    emb.close()


def test_a_worker_that_never_says_hello_times_out(tmp_path: Path) -> None:
    emb = start("hang", tmp_path)
    t0 = time.perf_counter()
    with pytest.raises(TimeoutError, match="did not load the model"):
        emb.wait_ready(0.5)
    assert time.perf_counter() - t0 < 3
    emb.close(timeout=2)


def test_a_dead_worker_is_started_again_and_the_call_answered(tmp_path: Path) -> None:
    emb = start("die-after-1", tmp_path, max_restarts=1)  # each worker answers once, then dies
    local = FakeEmbedder()
    first_pid = emb._worker.proc.pid
    np.testing.assert_array_equal(emb.encode_queries(["Flughafen"]), local.encode_queries(["Flughafen"]))
    # the worker dies on this call: a new one is started and answers it
    np.testing.assert_array_equal(emb.encode_queries(["Radwege"]), local.encode_queries(["Radwege"]))
    assert emb._worker.proc.pid != first_pid and len(emb.restarts) == 1
    with pytest.raises(EncoderGone, match="restarted 1 times"):  # dies again: no restart loop
        emb.encode_queries(["Kita"])
    emb.close(timeout=2)


def test_a_restarted_worker_that_dies_while_loading_is_started_again(tmp_path: Path) -> None:
    emb = start("slow-load", tmp_path, max_restarts=3)
    emb.wait_ready(10)
    first = emb._worker
    os.kill(first.proc.pid, signal.SIGKILL)
    first.proc.wait(5)
    out: dict[str, object] = {}

    def ask() -> None:
        try:
            out["vectors"] = emb.encode_queries(["Flughafen"])
        except Exception as exc:  # noqa: BLE001 (the test reports it)
            out["error"] = exc

    asking = threading.Thread(target=ask)
    asking.start()
    deadline = time.monotonic() + 10
    while emb._worker is first and time.monotonic() < deadline:
        time.sleep(0.01)
    second = emb._worker
    assert second is not first and second.facts is None  # restarted, still loading
    os.kill(second.proc.pid, signal.SIGKILL)  # dies while loading the model
    asking.join(20)
    assert "error" not in out, out.get("error")
    np.testing.assert_array_equal(out["vectors"], FakeEmbedder().encode_queries(["Flughafen"]))
    assert len(emb.restarts) == 2 and emb._worker not in (first, second)
    emb.close(timeout=2)


def test_a_hung_worker_is_killed_and_started_again(tmp_path: Path) -> None:
    emb = start("fake", tmp_path, call_timeout=1.0, per_text=0.0)
    emb.wait_ready(10)
    hung = emb._worker
    os.kill(hung.proc.pid, signal.SIGSTOP)  # alive, but never answers
    try:
        t0 = time.perf_counter()
        np.testing.assert_array_equal(emb.encode_queries(["Radwege"]), FakeEmbedder().encode_queries(["Radwege"]))
        assert time.perf_counter() - t0 < 10
        assert emb._worker is not hung and len(emb.restarts) == 1
        assert hung.proc.poll() is not None  # the stopped process was killed, not left behind
    finally:
        if hung.proc.poll() is None:
            hung.proc.kill()
        emb.close(timeout=2)


def test_a_retried_handshake_keeps_the_channels_that_said_hello(tmp_path: Path) -> None:
    emb = start("hello-late", tmp_path, channels=2)
    with pytest.raises(TimeoutError):
        emb.wait_ready(0.3)  # the first channel said hello, the second not yet
    emb.wait_ready(10)  # before: waited again for the first channel's hello, already read
    assert emb.ready()
    np.testing.assert_array_equal(emb.encode_queries(["Kita"]), FakeEmbedder().encode_queries(["Kita"]))
    emb.close(timeout=2)


def test_the_worker_answers_errors_and_stops_on_request() -> None:
    import socket
    from multiprocessing.connection import Connection

    from serving.encoder_worker import serve

    a, b = socket.socketpair()
    ours, theirs = Connection(a.detach()), Connection(b.detach())
    worker = threading.Thread(target=serve, args=(theirs, FakeEmbedder()))
    worker.start()
    ours.send(("queries", ["Flughafen"]))
    assert ours.recv()[0] == "ok"
    ours.send(("nonsense", None))
    status, message = ours.recv()
    assert status == "error" and "unknown request" in message
    ours.send(("passages", (["Radwege"], False, ["Mobilität", "zu viele"])))
    assert ours.recv()[0] == "ok"  # the fake ignores extra titles; the real embedder raises (an error reply)
    ours.send(("stop", None))
    worker.join(5)
    assert not worker.is_alive()
