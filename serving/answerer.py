"""One way in for everyone asking at once (the app's page and its `/ask` API).

Each question is prepared in the caller's thread (validation, typo correction, cache lookup:
no encoder); errors and cache hits come back at once. The rest go to one `MicroBatcher`, so
questions that arrive together share one encoder pass. A question that has waited longer than
`timeout` raises `Busy`, which the page turns into "Gerade sind sehr viele Anfragen …" instead
of a hang. Settings come from the edge as a `BatchConfig`.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from serving.batcher import MicroBatcher
from qa.types import Answer

if TYPE_CHECKING:
    from qa.pipeline import QA, Ask, Prepared

log = logging.getLogger(__name__)


class Busy(RuntimeError):
    """The question waited too long for a turn at the encoder."""


class Starting(Busy):
    """The question came while the model was still loading, and it did not finish in time."""


@dataclass(frozen=True, slots=True)
class BatchConfig:
    """How concurrent questions share the encoder (docs/reliability.md has the measurements).

    max_batch: most questions in one encoder pass (1 = no batching, one pass per question);
    max_wait: seconds the first question of a batch waits for company; workers: batches run at
    once; torch_threads: PyTorch threads per worker (0 = leave as it is); timeout: seconds a
    question may wait in all before it gets `Busy`.
    """

    max_batch: int = 16
    max_wait: float = 0.005
    workers: int = 2
    torch_threads: int = 1
    timeout: float = 20.0

    def __post_init__(self) -> None:
        if self.max_batch < 1 or self.workers < 1 or self.max_wait < 0 or self.timeout <= 0 or self.torch_threads < 0:
            raise ValueError("max_batch and workers must be >= 1, max_wait >= 0, timeout > 0, torch_threads >= 0")


def _torch_threads(n: int) -> Callable[[], None] | None:
    """A set-up step for a batch worker: PyTorch's intra-op thread count for that thread.
    Nothing when the model runs in another process (PyTorch not loaded here: the encoder
    process sets its own threads)."""
    if n <= 0:
        return None

    def set_threads() -> None:
        torch = sys.modules.get("torch")
        if torch is not None:
            torch.set_num_threads(n)

    return set_threads


class Answerer:
    """Answers `Ask`s from many threads over one `QA`, batching the encoder passes."""

    def __init__(self, qa: "QA", config: BatchConfig = BatchConfig(), ready: threading.Event | None = None) -> None:
        """`ready`: set once the model is loaded and the index checked (the app serves its page
        before that); questions asked earlier wait for it up to `config.timeout`."""
        self.qa = qa
        self.config = config
        self.ready = ready
        self._batcher: MicroBatcher[Prepared, Answer] = MicroBatcher(
            qa.complete, max_batch=config.max_batch, max_wait=config.max_wait, workers=config.workers,
            on_start=_torch_threads(config.torch_threads))
        self._reported = (time.monotonic(), 0)
        self._lock = threading.Lock()

    @property
    def batch_sizes(self) -> list[int]:
        """Sizes of the encoder batches so far (for tests and the load report)."""
        return self._batcher.batch_sizes

    def ask(self, ask: "Ask") -> Answer:
        """The answer to one question; raises `Busy` when it waited longer than the timeout
        (one timeout in all: waiting for the model to load counts against it). Bad input is an
        Answer with `error` set, as from `QA.ask`."""
        deadline = time.monotonic() + self.config.timeout
        if self.ready is not None and not self.ready.wait(self.config.timeout):
            raise Starting(f"the model was not ready within {self.config.timeout:g} s")
        prepared = self.qa.prepare(ask)
        if prepared.answer is not None:
            return prepared.answer
        left = deadline - time.monotonic()
        if left <= 0:
            raise Starting(f"the model was not ready within {self.config.timeout:g} s")
        try:
            answer = self._batcher(prepared, timeout=left)
            self._report()
            return answer
        except FutureTimeout:
            log.warning("a question waited %.0f s for the encoder (%d waiting): busy", self.config.timeout,
                        self._batcher.waiting)
            raise Busy(f"no turn at the encoder within {self.config.timeout:g} s") from None

    def _report(self, every: float = 10.0) -> None:
        """Every 10 s under traffic: how many encoder passes, how full (in the app's log)."""
        now = time.monotonic()
        with self._lock:
            since, seen = self._reported
            if now - since < every:
                return
            sizes = self._batcher.batch_sizes
            fresh = sizes[seen:] if seen <= len(sizes) else sizes
            self._reported = (now, len(sizes))
        if fresh:
            log.info("encoder: %d passes in %.0f s, %d questions, mean batch %.1f, largest %d, %d waiting",
                     len(fresh), now - since, sum(fresh), sum(fresh) / len(fresh), max(fresh), self._batcher.waiting)

    def close(self) -> None:
        """Finish the queued questions and stop the workers."""
        self._batcher.close()
