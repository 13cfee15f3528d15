"""A bound on the work listeners do after the ack: a burst queues for a slot instead of
crowding the event loop and the Redis pool, and past the queue's bound it is told plainly
that the bot is busy (never that Redis is down)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.errors import Overloaded
from bot.shared import Shared

IN_FLIGHT = 64  # lazy listeners running at once per process (each mostly waits on I/O)
QUEUED = 2000  # waiting for a slot beyond this: told at once that the bot is busy


class LazyWork(Shared):
    """Slots for lazy listeners, with a bounded queue in front of them."""

    def __init__(self, in_flight: int = IN_FLIGHT, queued: int = QUEUED) -> None:
        self._slots = asyncio.Semaphore(in_flight)
        self._queued, self._waiting = queued, 0

    @property
    def waiting(self) -> int:
        return self._waiting

    @property
    def full(self) -> bool:
        """No slot free and the queue at its bound: new work would be turned away."""
        return self._slots.locked() and self._waiting >= self._queued

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot while the block runs; `Overloaded` when the queue is full."""
        if self.full:
            raise Overloaded()
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        try:
            yield
        finally:
            self._slots.release()
