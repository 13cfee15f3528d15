"""Redis's own clock, read here without a TIME per atomic take.

A take's deadline (scripts.TAKE) is set on Redis's clock so that no skew between hosts matters.
Its offset from this process's monotonic clock is learned from one TIME and kept CLOCK_FRESH
seconds: a deadline then costs no round trip. The offset is read when the answer arrived, so it
errs early: a deadline is never later than one set from a TIME of its own. A TIME answered slowly
(a busy event loop) is used for one deadline but not kept, and a refused take forgets the offset
(Redis's clock was stepped, or a failover brought another server's)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

CLOCK_FRESH = 10.0  # seconds an offset is kept (the hosts' clocks drift far less meanwhile)
KEPT_WITHIN = 0.05  # a TIME answered slower than this (seconds) is not kept

ReadTime = Callable[[], Awaitable[tuple[int, int]]]


def _micros() -> int:
    return time.monotonic_ns() // 1000


class RedisClock:
    """Redis's time (microseconds), from an offset to the monotonic clock read now and then."""

    def __init__(self, read_time: ReadTime) -> None:
        self._read_time = read_time
        self._offset: int | None = None
        self._learned_at = 0  # monotonic µs

    async def now(self) -> int:
        """Redis's time now, or a little earlier (never later)."""
        if self._offset is not None and _micros() - self._learned_at < CLOCK_FRESH * 1e6:
            return _micros() + self._offset
        asked = _micros()
        seconds, micros = await self._read_time()
        answered = _micros()
        offset = int(seconds) * 1_000_000 + int(micros) - answered
        if answered - asked <= KEPT_WITHIN * 1e6:
            self._offset, self._learned_at = offset, answered
        return answered + offset

    def forget(self) -> None:
        """Read Redis's clock again before the next deadline."""
        self._offset = None
