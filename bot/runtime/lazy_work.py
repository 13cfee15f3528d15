"""A bound on the work listeners do after the ack: a burst queues for a slot instead of
crowding the event loop and the Redis pool, and past the queue's bound it is told plainly
that the bot is busy (never that Redis is down). Acks come first: while requests wait for
theirs, an item holding a slot starts only if fewer than FLOOR items run (so work after acks
never starves under steady load; bot/runtime/acks_first.py), and once they are answered
held items start by steps, doubling. At shutdown the work queued or running is stopped in
bounded time (bot/runtime/tasks.py)."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from bot.errors import Overloaded
from bot.runtime import tasks
from bot.runtime.acks_first import PendingAcks
from bot.runtime.shared import Shared

T = TypeVar("T")
IN_FLIGHT = 64  # lazy listeners running at once per process (each mostly waits on I/O)
QUEUED = 2000  # waiting for a slot beyond this: told at once that the bot is busy
FLOOR = 4  # items that may run while acks are pending (none would start under steady load)
STOP_GRACE = 3.0  # seconds work queued or running at shutdown may take to finish


class Place(Shared):
    """A place in the queue kept for a command from its admission (before its ack) until its
    lazy work takes it, or its request ends (a command with no work after its ack)."""

    def __init__(self, work: LazyWork) -> None:
        self._work, self.held = work, True

    def release(self) -> None:
        if self.held:
            self.held = False
            self._work.promised -= 1


class LazyWork(Shared):
    """Slots for lazy listeners, with a bounded queue in front of them."""

    def __init__(
        self, in_flight: int = IN_FLIGHT, queued: int = QUEUED, floor: int = FLOOR
    ) -> None:
        self._slots = asyncio.Semaphore(in_flight)
        self._bound, self._waiting, self._slotted, self.promised = in_flight + queued, 0, 0, 0
        self._floor, self.running = floor, 0
        self.acks = PendingAcks(on_few=self._start_held)  # counted by its ASGI middleware
        self._held: deque[asyncio.Future[None]] = deque()  # in a slot, waiting for the acks
        self._holders: set[asyncio.Task[Any]] = set()  # the tasks queued or in a slot
        self._stopping = False

    @property
    def waiting(self) -> int:
        return self._waiting

    @property
    def full(self) -> bool:
        """Every slot and queue place taken or kept, or shutting down: new work is turned away."""
        return self._stopping or self._slotted + self._waiting + self.promised >= self._bound

    def keep_place(self) -> Place | None:
        """A place kept for a command being acked (None: full, it is told so in its ack). In a
        burst every ack comes before any lazy work queues: counting only what queued would
        admit them all, and tell most of them "busy" afterwards, through their response_url."""
        if self.full:
            return None
        self.promised += 1
        return Place(self)

    @asynccontextmanager
    async def slot(self, kept: Place | None = None) -> AsyncIterator[None]:
        """Hold a slot while the block runs (taking the place `kept` for it, if any);
        `Overloaded` when the queue is full."""
        if kept is not None:
            kept.release()
        if self.full:
            raise Overloaded()
        async with self._holding():
            self._waiting += 1
            try:
                await self._slots.acquire()
            finally:
                self._waiting -= 1
            self._slotted += 1
            try:
                async with self._turn():
                    yield
            finally:
                self._slotted -= 1
                self._slots.release()

    @asynccontextmanager
    async def after_acks(self) -> AsyncIterator[None]:
        """Work after acks that takes no slot (telling someone the bot is busy): it too waits
        while many acks are pending, beyond the floor."""
        async with self._holding(), self._turn():
            yield

    @asynccontextmanager
    async def _holding(self) -> AsyncIterator[None]:
        """The current task counts as queued or running work until the block ends (`stop`)."""
        holder = asyncio.current_task()
        assert holder is not None  # always awaited in a task
        self._holders.add(holder)
        try:
            yield
        finally:
            self._holders.discard(holder)

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        await self._start()
        try:
            yield
        finally:
            self._ended()

    async def _start(self) -> None:
        """Count this item as running: at once within the floor or while few acks are
        pending, else when `_start_held` or `_ended` hands it a place (which counts it)."""
        if self.running < self._floor or (self.acks.few and not self._held):
            self.running += 1
            return
        turn = asyncio.get_running_loop().create_future()
        self._held.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.cancelled():  # cancelled while held: no place was handed to it
                if turn in self._held:
                    self._held.remove(turn)
            else:  # handed a place as it was cancelled: give it back
                self._ended()
            raise

    def _hand_place(self) -> bool:
        """Start the first held item still waiting, counting it as running."""
        while self._held:
            turn = self._held.popleft()
            if not turn.done():
                self.running += 1
                turn.set_result(None)
                return True
        return False

    def _start_held(self) -> None:
        """Few acks pending now: held items start, twice as many as run (a burst's next wave
        of acks may be arriving: the loop is given back to work after acks by steps)."""
        for _ in range(max(self._floor, self.running)):
            if not self._hand_place():
                return

    def _ended(self) -> None:
        self.running -= 1
        if self.running < self._floor:
            self._hand_place()
        elif self.acks.few and self._hand_place():
            self._hand_place()  # while acks stay few, what runs doubles back up to the slots

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
