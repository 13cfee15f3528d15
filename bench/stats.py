"""Ack latency and throughput of one load run."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bench.load import LoadRun

OK = 200


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values (0.0 when there are none)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latency:
    """Acks of one run: time to the whole HTTP 200, in milliseconds, over the 200s only;
    errors are every other status or no answer within the timeout."""

    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    throughput_rps: float  # answered requests (any status) per second of the firing window
    elapsed_s: float
    error_kinds: dict[str, int]

    @classmethod
    def of(cls, run: LoadRun) -> Latency:
        acked = sorted(s.seconds * 1000 for s in run.samples if s.status == OK)
        failed = [s for s in run.samples if s.status != OK]
        kinds = Counter(s.error or f"HTTP {s.status}" for s in failed)
        answered = sum(1 for s in run.samples if s.status)
        return cls(
            requests=len(run.samples),
            errors=len(failed),
            p50_ms=round(percentile(acked, 0.50), 2),
            p95_ms=round(percentile(acked, 0.95), 2),
            p99_ms=round(percentile(acked, 0.99), 2),
            max_ms=round(acked[-1] if acked else 0.0, 2),
            throughput_rps=round(answered / run.elapsed_s, 1) if run.elapsed_s else 0.0,
            elapsed_s=round(run.elapsed_s, 3),
            error_kinds=dict(kinds),
        )


def cores(run: LoadRun) -> dict[str, float]:
    """CPU cores each watched process (and the load generator) kept busy while firing."""
    if not run.elapsed_s:
        return {}
    return {name: round(seconds / run.elapsed_s, 2) for name, seconds in run.cpu_s.items()}
