"""A bound on the work listeners do after the ack: a burst queues for a slot instead of
crowding the event loop and the Redis pool, and past the queue's bound it is told plainly
that the bot is busy (never that Redis is down). At shutdown the work queued or running is
stopped in bounded time (bot/runtime/tasks.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from bot.errors import Overloaded
from bot.runtime import tasks
from bot.runtime.shared import Shared

T = TypeVar("T")
IN_FLIGHT = 64  # lazy listeners running at once per process (each mostly waits on I/O)
QUEUED = 2000  # waiting for a slot beyond this: told at once that the bot is busy
STOP_GRACE = 3.0  # seconds work queued or running at shutdown may take to finish


class LazyWork(Shared):
    """Slots for lazy listeners, with a bounded queue in front of them."""

    def __init__(self, in_flight: int = IN_FLIGHT, queued: int = QUEUED) -> None:
        self._slots = asyncio.Semaphore(in_flight)
        self._queued, self._waiting = queued, 0
        self._holders: set[asyncio.Task[Any]] = set()  # the tasks queued or in a slot
        self._stopping = False

    @property
    def waiting(self) -> int:
        return self._waiting

    @property
    def full(self) -> bool:
        """No slot free and the queue at its bound, or shutting down: new work is turned away."""
        return self._stopping or (self._slots.locked() and self._waiting >= self._queued)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot while the block runs; `Overloaded` when the queue is full."""
        if self.full:
            raise Overloaded()
        holder = asyncio.current_task()
        assert holder is not None  # always awaited in a task
        self._holders.add(holder)
        try:
            self._waiting += 1
            try:
                await self._slots.acquire()
            finally:
                self._waiting -= 1
            try:
                yield
            finally:
                self._slots.release()
        finally:
            self._holders.discard(holder)

    async def run(self, work: Callable[[], Awaitable[T]]) -> T:
        """`work()` in a slot (it is not started when the queue is full)."""
        async with self.slot():
            return await work()

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """At shutdown: new work is turned away; work queued or running has `grace` seconds to
        finish, then is stopped (bot/runtime/tasks.py bounds that too, whatever it does with a
        cancel)."""
        self._stopping = True
        if self._holders:
            _, late = await asyncio.wait(set(self._holders), timeout=grace)
            await tasks.stop(*late)
