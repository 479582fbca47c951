"""Micro-batching: questions that arrive at the same time share one encoder pass.

Why: the encoder dominates the cost of an answer, and a batch of 8 questions costs far less
than 8 single passes on a CPU (eval/reports/encoder_curve.json). The app and its `/ask` API
hand each question to one `MicroBatcher`; a worker thread waits for the first question, then
collects whatever else arrives within `max_wait` seconds (up to `max_batch`) and answers them
with one call. A single question on an idle server waits at most `max_wait`. With `workers`
> 1 several batches run at once (PyTorch releases the GIL while it multiplies), each worker
taking the next batch from the same queue.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future, TimeoutError
from typing import Callable, Generic, Sequence, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class MicroBatcher(Generic[T, R]):
    """Calls `fn(items) -> results` (same length, same order) on batches of concurrent items."""

    def __init__(self, fn: Callable[[Sequence[T]], Sequence[R]], max_batch: int = 8, max_wait: float = 0.01,
                 workers: int = 1, on_start: Callable[[], None] | None = None) -> None:
        """`on_start` runs once in each worker thread before its first batch (e.g. to set
        PyTorch's thread count, which is per thread)."""
        if max_batch < 1 or max_wait < 0 or workers < 1:
            raise ValueError("max_batch and workers must be >= 1 and max_wait >= 0")
        self._fn = fn
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.batch_sizes: list[int] = []  # for tests and reports (the last 10 000 batches)
        self._on_start = on_start
        self._queue: queue.Queue[tuple[T, Future[R]] | None] = queue.Queue()
        self._threads = [threading.Thread(target=self._run, name=f"nachgefragt-batcher-{n}", daemon=True)
                         for n in range(workers)]
        for thread in self._threads:
            thread.start()

    @property
    def waiting(self) -> int:
        """Items queued and not yet taken into a batch (approximate)."""
        return self._queue.qsize()

    def __call__(self, item: T, timeout: float | None = None) -> R:
        """The result for one item (blocks until its batch is done). After `timeout` seconds
        it raises concurrent.futures.TimeoutError; an item not yet in a batch is then dropped
        (nobody waits for it any more), one already running is finished and discarded."""
        future: Future[R] = Future()
        self._queue.put((item, future))
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    def close(self) -> None:
        """Stop the workers after the queued items are done."""
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=10)

    def _collect(self, first: tuple[T, Future[R]]) -> tuple[list[tuple[T, Future[R]]], bool]:
        """The batch starting with `first` (items whose caller gave up are left out) and
        whether a stop signal came."""
        batch: list[tuple[T, Future[R]]] = [first] if first[1].set_running_or_notify_cancel() else []
        stop = False
        deadline = time.monotonic() + self.max_wait
        while len(batch) < self.max_batch:
            remaining = deadline - time.monotonic()
            try:
                entry = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if entry is None:  # one stop signal per worker: this one is ours
                stop = True
                break
            if entry[1].set_running_or_notify_cancel():
                batch.append(entry)
        return batch, stop

    def _run(self) -> None:
        if self._on_start is not None:
            try:
                self._on_start()
            except Exception:  # noqa: BLE001 - a failed tweak must not stop the answers
                log.exception("batch worker set-up failed")
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch, stop = self._collect(first)
            if not batch:
                if stop:
                    return
                continue
            self.batch_sizes.append(len(batch))
            if len(self.batch_sizes) > 10_000:
                del self.batch_sizes[:5_000]
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
