"""A Redis lock held for as long as its holder lives: a short TTL, renewed by a watchdog task.

A holder that dies (killed, or cut off from Redis) loses the lock within one TTL; one that is
merely slow keeps it, however long its work takes (callers bound the work themselves)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, LockNotOwnedError, RedisError

from bot import metrics
from bot.errors import Busy, StoreUnavailable

log = logging.getLogger(__name__)
RENEWALS_PER_TTL = 3  # a renewal may fail twice (a Redis blip) before the lock lapses


@asynccontextmanager
async def held(redis: Redis, key: str, ttl: float) -> AsyncIterator[None]:
    """Hold `key` without waiting (`Busy` if someone else holds it), renewed every ttl/3."""
    lock = redis.lock(key, timeout=ttl)
    try:
        acquired = await lock.acquire(blocking=False)
    except (RedisError, OSError) as error:
        metrics.redis_error(error)
        raise StoreUnavailable() from error
    if not acquired:
        raise Busy()
    watchdog = asyncio.create_task(_renew(lock, ttl / RENEWALS_PER_TTL))
    try:
        yield
    finally:
        watchdog.cancel()
        await asyncio.gather(watchdog, return_exceptions=True)
        with suppress(LockError, RedisError, OSError):
            await lock.release()  # an expired lock is already released


async def _renew(lock: Lock, every: float) -> None:
    """Reset the lock's TTL until cancelled; stop if it was lost (it lapsed meanwhile)."""
    while True:
        await asyncio.sleep(every)
        try:
            await lock.reacquire()
        except LockNotOwnedError:
            log.warning("a delivery lock lapsed while its holder was still running")
            return
        except (LockError, RedisError, OSError) as error:
            log.info("could not renew a lock: %s", type(error).__name__)
