"""The shared base of the store: one Redis client, typed failures, locks, atomic takes.

Every aggregate (bot/store/links.py, drafts.py, …) holds the one `RedisBase` of its `Store`:
one client, and one memory of when Redis last answered (which tells busy from unavailable)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError, RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.errors import Busy, StoreBusy, StoreUnavailable
from bot.models import Owner
from bot.runtime import tasks
from bot.runtime.shared import Shared
from bot.store import keys, scripts
from bot.store.clock import RedisClock
from bot.store.reads import BatchedReads
from bot.telemetry import metrics

POOL_EXHAUSTED = "No connection available."  # redis-py's BlockingConnectionPool, after its wait
ALIVE_WINDOW = 1.0  # Redis answered a command this recently: a timeout is ours, not its
# A 1 s timeout (services.REDIS_TIMEOUT, REDIS_POOL_WAIT) that fired this late: the event loop
# was too busy to run it on time, so it was busy to read Redis's answer too
STARVED_AFTER = 1.3
PING_WITHIN = 0.5  # seconds a PING may take to show Redis is up after a timeout of ours


class Cipher(Protocol):
    """What sealed records are sealed with (bot/accounts/crypto.py's `TokenCipher`): handed in
    by the composition root, so the store imports nothing above it."""

    def seal(self, owner: Owner, data: dict[str, Any]) -> bytes: ...

    def open(self, owner: Owner, blob: bytes) -> dict[str, Any]: ...

    def opens(self, blob: bytes) -> bool: ...

    def rotate(self, blob: bytes) -> bytes: ...


class RedisBase(Shared):
    """Typed access to Redis; every Redis failure surfaces as `StoreUnavailable`."""

    def __init__(self, redis: Redis, cipher: Cipher) -> None:
        self.redis = redis
        self.cipher = cipher
        self._answered_at = -ALIVE_WINDOW  # when Redis last answered a command (monotonic)
        self.clock = RedisClock(self._time)
        self.reads = BatchedReads(redis)  # the hot reads: one pipeline for those at once

    async def ping(self) -> bool:
        try:
            return bool(await self.call(self.redis.ping()))
        except StoreUnavailable:
            return False

    async def server_version(self) -> str:
        info = await self.call(self.redis.info("server"))
        return str(info.get("redis_version", "unknown"))

    async def server_setting(self, name: str) -> str | None:
        """CONFIG GET `name`; None where CONFIG is refused (renamed or denied on managed Redis)."""
        try:
            found = await self.redis.config_get(name)
        except ResponseError:
            return None
        except (RedisError, OSError) as error:
            metrics.redis_error(error)
            raise StoreUnavailable() from error
        value = found.get(name)
        return None if value is None else str(value)

    @asynccontextmanager
    async def locked(self, name: str, wait: float = keys.LOCK_WAIT) -> AsyncIterator[None]:
        """Hold a Redis lock shared by every process (single-flight work); `Busy` if taken."""
        lock = self.redis.lock(keys.lock_key(name), timeout=keys.LOCK_TTL, blocking_timeout=wait)
        if not await self.call(lock.acquire(blocking=wait > 0)):
            raise Busy()
        try:
            yield
        finally:
            with suppress(LockError, RedisError, OSError):
                await lock.release()  # an expired lock is already released

    async def deadline(self) -> int:
        """Now plus the take window, on Redis's own clock (microseconds; see clock.py)."""
        return await self.clock.now() + scripts.TAKE_WINDOW_US

    def late(self) -> StoreUnavailable:
        """What a script refused for reaching Redis past its deadline raises: Redis stalled, or
        its clock moved (it is read again before the next deadline). Nothing changed."""
        self.clock.forget()
        return StoreUnavailable()

    async def _time(self) -> tuple[int, int]:
        seconds, micros = await self.call(self.redis.time())
        return int(seconds), int(micros)

    async def take(self, key: str) -> bytes | None:
        """Get and delete `key` (see scripts.TAKE). The deadline is set on Redis's own clock, so no
        clock skew matters; a take refused for being late or for lack of memory changed nothing
        and is reported as Redis being unavailable."""
        taken = await self.call(self.redis.eval(scripts.TAKE, 1, key, await self.deadline()))
        if not taken or not taken[0]:
            raise self.late()  # Redis stalled past the deadline: nothing was taken
        value: bytes | None = taken[1] if len(taken) > 1 else None
        return value

    async def set(self, key: str, value: str | bytes, ttl: int) -> None:
        await self.call(self.redis.set(key, value, ex=ttl))

    async def call(self, awaitable: Any) -> Any:
        """Await a Redis command; connection trouble becomes `StoreUnavailable`. A command that
        timed out, or found no free connection, becomes `StoreBusy` instead when the fault is
        this process's: other commands got answers within the last ALIVE_WINDOW seconds, the
        timeout itself fired late (the event loop was starved), or Redis answers a PING right
        after. Under a burst the loop or the pool is slow, not Redis; a stopped or frozen Redis
        answers nothing, on time."""
        started = time.monotonic()
        try:
            answer = await awaitable
        except (RedisTimeoutError, TimeoutError, RedisConnectionError) as error:
            metrics.redis_error(error)
            raise await self._failure(error, time.monotonic() - started) from error
        except (RedisError, OSError) as error:
            metrics.redis_error(error)
            raise StoreUnavailable() from error
        self._answered_at = time.monotonic()
        return answer

    async def _failure(self, error: Exception, took: float) -> StoreUnavailable:
        refused = isinstance(error, RedisConnectionError) and str(error) != POOL_EXHAUSTED
        if refused:
            return StoreUnavailable()
        alive = time.monotonic() - self._answered_at < ALIVE_WINDOW
        if alive or took > STARVED_AFTER or await self._answers_ping():
            return StoreBusy()
        return StoreUnavailable()

    async def _answers_ping(self) -> bool:
        """After a timeout with no recent answer to go by: Redis answers a PING now (the wait was
        this process's: a starved loop or pool), or the PING's own bound fired late (the loop
        is starved, so nothing says Redis is down). A stopped or frozen Redis fails it on time."""
        started = time.monotonic()
        try:
            return bool(await tasks.within(PING_WITHIN, self._ping()))
        except (RedisError, OSError, TimeoutError):
            return time.monotonic() - started > PING_WITHIN * STARVED_AFTER

    async def _ping(self) -> bool:
        pinged: Any = self.redis.ping()  # typed for the sync client too
        return bool(await pinged)


class Aggregate(Shared):
    """One kind of record, kept through its store's shared base (composed, not inherited)."""

    def __init__(self, base: RedisBase) -> None:
        self._base = base
        self._redis = base.redis
        self._cipher = base.cipher
        self._call = base.call
        self._get = base.reads.get


def text(value: bytes | str) -> str:
    """A Redis answer as text (the client answers bytes)."""
    return value.decode() if isinstance(value, bytes) else value
