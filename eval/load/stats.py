"""What one load run measured: request outcomes and their summary (pure)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from eval.stats import percentile

MAX_ERROR_MESSAGES = 5


@dataclass(frozen=True, slots=True)
class Outcome:
    """One request: when it started (seconds since the load began), how long it took, and
    its kind: "ok" (an answer), "busy" (rejected because the queue is full) or "error"."""

    client: int
    started: float
    seconds: float
    kind: str
    message: str = ""
    repeat: bool = False  # a popular question asked again (may come from the app's cache)


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
    repeats: int = 0  # requests that repeated a popular question
    distinct_p95_ms: float | None = None  # p95 of the answered requests that were not repeats


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
        repeats=sum(o.repeat for o in outcomes),
        distinct_p95_ms=r(percentile(sorted(o.seconds * 1000 for o in outcomes if o.kind == "ok" and not o.repeat), 95)),
    )
