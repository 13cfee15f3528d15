"""Work that loses cancellations, deterministically: what `asyncio.wait_for` does on Python 3.11
when a cancel lands as its inner call completes (CPython gh-86296; redis-py sends every command
through it). Tests guard every await with a timeout, so a regression fails instead of hanging."""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.lock import Lock

GUARD = 8.0  # seconds any test here may take before it counts as hung


class Deaf:
    """A stand-in for a call that loses the first `lose` cancellations reaching it and goes on
    waiting (for `answer_after` seconds, then answers `result`)."""

    def __init__(self, lose: int = 1, result: Any = None, answer_after: float = 3600.0) -> None:
        self.lose, self.result, self.answer_after = lose, result, answer_after
        self.lost = 0
        self.started = asyncio.Event()
        self.ended = asyncio.Event()

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.started.set()
        try:
            while True:
                try:
                    await asyncio.sleep(self.answer_after)
                    return self.result
                except asyncio.CancelledError:
                    if self.lost >= self.lose:
                        raise
                    self.lost += 1
        finally:
            self.ended.set()


class DeafLock(Lock):
    """A redis-py lock whose renewal swallows a cancel that lands while it is in flight, then
    completes, exactly as a command sent through 3.11's `wait_for` can."""

    extending: asyncio.Event
    lost: int

    async def do_extend(self, additional_time: Any, replace_ttl: Any) -> bool:
        self.extending.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.lost += 1  # lost: the renewal completes as if nothing happened
        return bool(await super().do_extend(additional_time, replace_ttl))


class DeafRedis(Redis):
    """A client whose locks are DeafLocks; `locks` keeps them for the test to watch."""

    locks: list[DeafLock]

    def lock(self, *args: Any, **kwargs: Any) -> Lock:
        lock = super().lock(*args, **kwargs | {"lock_class": DeafLock})
        assert isinstance(lock, DeafLock)
        lock.extending, lock.lost = asyncio.Event(), 0
        self.locks.append(lock)
        return lock
