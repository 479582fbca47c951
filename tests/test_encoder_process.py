"""The encoder process (serving/encoder_process.py + serving/encoder_worker.py): the same vectors
as the model in-process, calls on several channels at once, and clear errors when the worker
cannot load its model, never says hello, or dies. The worker here is tests/fake_encoder_worker.py
(the fake embedder); tests/test_gemma_real.py runs the real worker with EmbeddingGemma."""
from __future__ import annotations

import os
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
    first_pid = emb.pid
    np.testing.assert_array_equal(emb.encode_queries(["Flughafen"]), local.encode_queries(["Flughafen"]))
    # the worker dies on this call: a new one is started and answers it
    np.testing.assert_array_equal(emb.encode_queries(["Radwege"]), local.encode_queries(["Radwege"]))
    assert emb.pid != first_pid and len(emb.restarts) == 1
    with pytest.raises(EncoderGone, match="restarted 1 times"):  # dies again: no restart loop
        emb.encode_queries(["Kita"])
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
