"""The shared base of the store: one Redis client, typed failures, locks, atomic takes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError, ResponseError

from bot.crypto import TokenCipher
from bot.errors import Busy, StoreUnavailable
from bot.shared import Shared
from bot.store import keys, scripts


class RedisBase(Shared):
    """Typed access to Redis; every Redis failure surfaces as `StoreUnavailable`."""

    def __init__(self, redis: Redis, cipher: TokenCipher) -> None:
        self._redis = redis
        self._cipher = cipher

    async def ping(self) -> bool:
        try:
            return bool(await self._call(self._redis.ping()))
        except StoreUnavailable:
            return False

    async def server_version(self) -> str:
        info = await self._call(self._redis.info("server"))
        return str(info.get("redis_version", "unknown"))

    async def server_setting(self, name: str) -> str | None:
        """CONFIG GET `name`; None where CONFIG is refused (renamed or denied on managed Redis)."""
        try:
            found = await self._redis.config_get(name)
        except ResponseError:
            return None
        except (RedisError, OSError) as error:
            raise StoreUnavailable() from error
        value = found.get(name)
        return None if value is None else str(value)

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

    @staticmethod
    async def _call(awaitable: Any) -> Any:
        """Await a Redis command; connection trouble becomes `StoreUnavailable`."""
        try:
            return await awaitable
        except (RedisError, OSError) as error:
            raise StoreUnavailable() from error
