"""Running the load: client threads against the app, bounded in time, requests and per request."""
from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Sequence

from eval.load.asking import QuestionSource
from eval.load.clients import CLIENTS, DEFAULT_API_NAME, check_loopback, classify
from eval.load.stats import Outcome, Summary, summarise

log = logging.getLogger("eval.load")


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
    repeats: float = 0.0  # share of requests that repeat a popular question (eval/load/asking.py)


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


def run_load(config: LoadConfig, questions: Sequence[str], popular: Sequence[str] = ()) -> tuple[Summary, list[Outcome]]:
    """Run `config.clients` client threads against the app; every thread stops at the deadline,
    when the shared request budget is used up, or after one request past its timeout. The
    clients share one `QuestionSource`: distinct questions, plus `config.repeats` of popular
    ones (`popular` first)."""
    url = check_loopback(config.url)
    source = QuestionSource(questions, config.repeats, popular, seed=config.seed)
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
        while time.perf_counter() < deadline and budget.take():
            question, repeat = source.take(rnd)
            t0 = time.perf_counter()
            try:
                kind, message = client.ask(question, config.api_name, config.timeout)
            except Exception as exc:  # noqa: BLE001 -- every failure is counted, none stops the run
                kind, message = classify(exc), f"{type(exc).__name__}: {exc}"[:300]
            record(Outcome(n, t0 - start, time.perf_counter() - t0, kind, message, repeat))
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
