"""Micro-batching: questions that arrive at the same time share one encoder pass.

Why: the encoder dominates the cost of an answer, and a batch of 8 questions costs far less
than 8 single passes on a CPU (eval/reports/encoder_curve.json). The app and its `/ask` API
hand each question to one `MicroBatcher`; a worker thread waits for the first question, then
collects whatever else arrives within `max_wait` seconds (up to `max_batch`) and answers them
with one call. A single question on an idle server waits at most `max_wait`.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from typing import Callable, Generic, Sequence, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class MicroBatcher(Generic[T, R]):
    """Calls `fn(items) -> results` (same length, same order) on batches of concurrent items."""

    def __init__(self, fn: Callable[[Sequence[T]], Sequence[R]], max_batch: int = 8, max_wait: float = 0.01) -> None:
        if max_batch < 1 or max_wait < 0:
            raise ValueError("max_batch must be >= 1 and max_wait >= 0")
        self._fn = fn
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.batch_sizes: list[int] = []  # for tests and reports
        self._queue: queue.Queue[tuple[T, Future[R]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="nachgefragt-batcher", daemon=True)
        self._thread.start()

    def __call__(self, item: T, timeout: float | None = None) -> R:
        """The result for one item (blocks until its batch is done)."""
        future: Future[R] = Future()
        self._queue.put((item, future))
        return future.result(timeout)

    def close(self) -> None:
        """Stop the worker after the queued items are done."""
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _collect(self, first: tuple[T, Future[R]]) -> tuple[list[tuple[T, Future[R]]], bool]:
        batch, stop = [first], False
        deadline = time.monotonic() + self.max_wait
        while len(batch) < self.max_batch:
            remaining = deadline - time.monotonic()
            try:
                entry = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if entry is None:
                stop = True
                break
            batch.append(entry)
        return batch, stop

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch, stop = self._collect(first)
            self.batch_sizes.append(len(batch))
            try:
                results = list(self._fn([item for item, _ in batch]))
                if len(results) != len(batch):
                    raise RuntimeError(f"batch function returned {len(results)} results for {len(batch)} items")
                for (_, future), result in zip(batch, results):
                    future.set_result(result)
            except BaseException as exc:  # noqa: BLE001 - every waiter must hear about it
                log.exception("batch of %d failed", len(batch))
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            if stop:
                return
