"""The shared base of the store: one Redis client, typed failures, locks, atomic takes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.crypto import TokenCipher
from bot.errors import Busy, StoreBusy, StoreUnavailable
from bot.shared import Shared
from bot.store import keys, scripts

# redis-py's words: its BlockingConnectionPool after the wait; a connection never set up
POOL_EXHAUSTED, CONNECT_TIMED_OUT = "No connection available.", "Timeout connecting to server"
ALIVE_WINDOW = 1.0  # Redis answered a command this recently: a timeout is ours, not its


class RedisBase(Shared):
    """Typed access to Redis; every Redis failure surfaces as `StoreUnavailable`."""

    def __init__(self, redis: Redis, cipher: TokenCipher) -> None:
        self._redis = redis
        self._cipher = cipher
        self._answered_at = -ALIVE_WINDOW  # when Redis last answered a command (monotonic)

    async def ping(self) -> bool:
        try:
            return bool(await self._call(self._redis.ping()))
        except StoreUnavailable:
            return False

    @asynccontextmanager
    async def locked(self, name: str, wait: float = keys.LOCK_WAIT) -> AsyncIterator[None]:
        """Hold a Redis lock shared by every process (single-flight work); `Busy` if taken."""
        lock = self._redis.lock(keys.lock_key(name), timeout=keys.LOCK_TTL, blocking_timeout=wait)
        if not await self._call(lock.acquire(blocking=wait > 0)):
            raise Busy()
        try:
            yield
        finally:
            with suppress(LockError, RedisError, OSError):
                await lock.release()  # an expired lock is already released

    async def _deadline(self) -> int:
        """Now plus the take window, on Redis's own clock (microseconds)."""
        seconds, micros = await self._call(self._redis.time())
        return int(seconds) * 1_000_000 + int(micros) + scripts.TAKE_WINDOW_US

    async def _take(self, key: str) -> bytes | None:
        """Get and delete `key` (see scripts.TAKE). The deadline is set from Redis's own TIME, so no
        clock skew matters; a take refused for being late or for lack of memory changed nothing
        and is reported as Redis being unavailable."""
        taken = await self._call(self._redis.eval(scripts.TAKE, 1, key, await self._deadline()))
        if not taken or not taken[0]:
            raise StoreUnavailable()  # Redis stalled past the deadline: nothing was taken
        value: bytes | None = taken[1] if len(taken) > 1 else None
        return value

    async def _set(self, key: str, value: str | bytes, ttl: int) -> None:
        await self._call(self._redis.set(key, value, ex=ttl))

    async def _call(self, awaitable: Any) -> Any:
        """Await a Redis command; connection trouble becomes `StoreUnavailable`. A command that
        timed out, or found no free connection, while other commands got answers within the
        last ALIVE_WINDOW seconds becomes `StoreBusy` instead: under a burst the event loop or
        the pool is what is slow, not Redis (a stopped or frozen Redis answers nothing)."""
        try:
            answer = await awaitable
        except (RedisTimeoutError, TimeoutError, RedisConnectionError) as error:
            raise self._failure(error) from error
        except (RedisError, OSError) as error:
            raise StoreUnavailable() from error
        self._answered_at = time.monotonic()
        return answer

    def _failure(self, error: Exception) -> StoreUnavailable:
        slow = str(error) == POOL_EXHAUSTED or not isinstance(error, RedisConnectionError)
        alive = time.monotonic() - self._answered_at < ALIVE_WINDOW
        return (
            StoreBusy()
            if slow and alive and str(error) != CONNECT_TIMED_OUT
            else StoreUnavailable()
        )
