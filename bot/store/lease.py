"""A Redis lock held while its holder lives, and never past the deadline it carries.

A short TTL renewed by a background task: a holder that dies (killed, or cut off from Redis) loses
the lock within one TTL. A holder that runs on loses it at its deadline: no renewal sets a TTL
beyond it, and the renewal loop ends there by itself, so even a renewal task that lost its
cancellation (see bot/runtime/tasks.py) cannot keep the lock. The lock's value names the
deadline, so any process can tell a lock that should be gone (the consumer's watchdog reads it)."""

from __future__ import annotations

import asyncio
import logging
import math
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, LockNotOwnedError, RedisError

from bot.errors import Busy, StoreUnavailable
from bot.runtime import tasks
from bot.telemetry import metrics

log = logging.getLogger(__name__)
RENEWALS_PER_TTL = 3  # a renewal may fail twice (a Redis blip) before the lock lapses


Take = Callable[[str, int], Awaitable[bool]]  # (token, TTL in ms): True if it took the lock


class Lease:
    """A lock held: its value, and a way to say a script released it (nothing left to do)."""

    def __init__(self, lock: Lock, value: str) -> None:
        self._lock, self.value = lock, value

    def released(self) -> None:
        """A script released the lock with other work: no renewal nor release goes to Redis."""
        self._lock.local.token = None


@asynccontextmanager
async def held(
    redis: Redis, key: str, ttl: float, lease: float, take: Take | None = None
) -> AsyncIterator[Lease]:
    """Hold `key` without waiting (`Busy` if someone else holds it) for at most `lease` seconds,
    renewed every ttl/3 meanwhile. The caller bounds its work to the lease itself. `take` takes
    the lock (a SET NX PX of the value) in a script that does more in the same round trip."""
    ends = time.monotonic() + lease
    lock = redis.lock(key, timeout=min(ttl, lease))
    value = token(time.time() + lease)
    try:
        if take is None:
            acquired = await lock.acquire(blocking=False, token=value)
        elif acquired := await take(value, int(min(ttl, lease) * 1000)):
            lock.local.token = value.encode()  # what acquire() keeps, for extend and release
    except (RedisError, OSError) as error:
        metrics.redis_error(error)
        raise StoreUnavailable() from error
    if not acquired:
        raise Busy()
    renewing = asyncio.create_task(_renew(lock, ttl, ends), name=f"renew {key}")
    try:
        yield Lease(lock, value)
    finally:
        await tasks.stop(renewing)
        with suppress(LockError, RedisError, OSError):
            await lock.release()  # an expired lock is already released


def token(deadline: float) -> str:
    """A lock value unique to its holder that names its deadline (Unix time)."""
    return f"{secrets.token_hex(8)}@{deadline:.3f}"


def deadline_of(value: bytes | str) -> float:
    """The deadline a lock's value names; infinity for a lock that names none."""
    text = value.decode() if isinstance(value, bytes) else value
    try:
        return float(text.rpartition("@")[2])
    except ValueError:
        return math.inf


async def _renew(lock: Lock, ttl: float, ends: float) -> None:
    """Reset the TTL to what is left of the lease (at most `ttl`) until `ends` (monotonic), then
    stop by itself; stop too if the lock was lost (it lapsed meanwhile) or released (a renewal
    that lost its cancellations outlives its holder)."""
    while (left := ends - time.monotonic()) > 0:
        await asyncio.sleep(min(ttl / RENEWALS_PER_TTL, left))
        left = ends - time.monotonic()
        if left <= 0:
            return
        try:
            await lock.extend(min(ttl, left), replace_ttl=True)
        except LockNotOwnedError:
            log.warning("a delivery lock lapsed while its holder was still running")
            return
        except LockError:  # raised before any call to Redis: the holder released the lock
            return
        except (RedisError, OSError) as error:
            log.info("could not renew a lock: %s", type(error).__name__)
