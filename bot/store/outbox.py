"""The outbox stream that queued intents' ids wait on, the per-intent delivery locks, and the
workers' heartbeats (`store.outbox`); the intents themselves are bot/store/intents.py."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.exceptions import RedisError, ResponseError

from bot.errors import StoreUnavailable
from bot.store import keys, lease
from bot.store.base import Aggregate, text
from bot.telemetry import metrics

Entry = tuple[str, str]  # outbox stream entry id, intent id
STALE_WORKER = 60.0  # a worker silent this long is dropped from the heartbeats


class OutboxStream(Aggregate):
    """A Redis Stream read through one consumer group, so a dead consumer's entries are
    claimed again."""

    async def create_group(self) -> None:
        """Create the consumer group (and the stream) unless they exist."""
        try:
            await self._redis.xgroup_create(keys.OUTBOX, keys.OUTBOX_GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise StoreUnavailable() from error
        except (RedisError, OSError) as error:
            metrics.redis_error(error)
            raise StoreUnavailable() from error

    async def next(
        self, consumer: str, idle_ms: int, block_ms: int, count: int = 10
    ) -> list[Entry]:
        """Entries idle longer than `idle_ms` (their consumer died or gave up), else new ones."""
        claimed = await self._call(
            self._redis.xautoclaim(
                keys.OUTBOX,
                keys.OUTBOX_GROUP,
                consumer,
                min_idle_time=idle_ms,
                start_id="0-0",
                count=count,
            )
        )
        entries = list(claimed[1])
        if not entries:
            read = await self._call(
                self._redis.xreadgroup(
                    keys.OUTBOX_GROUP, consumer, {keys.OUTBOX: ">"}, count=count, block=block_ms
                )
            )
            entries = [entry for _, batch in read or [] for entry in batch]
        return [
            (text(entry_id), text(fields.get(b"intent", b"")))
            for entry_id, fields in entries
            if fields
        ]

    async def done(self, entry_id: str) -> None:
        """Acknowledge the entry and delete it from the stream (one round trip)."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.xack(keys.OUTBOX, keys.OUTBOX_GROUP, entry_id)
        pipe.xdel(keys.OUTBOX, entry_id)
        await self._call(pipe.execute())

    @asynccontextmanager
    async def delivering(self, intent_id: str, ttl: float, until: float) -> AsyncIterator[None]:
        """The intent's delivery lock (`Busy` if taken), renewed while its holder runs, for
        `until` seconds at most."""
        async with lease.held(self._redis, keys.delivery_lock_key(intent_id), ttl, until):
            yield

    async def delivery_deadline(self, intent_id: str) -> float | None:
        """When the intent's delivery lock should be gone (Unix time), None if it is gone."""
        value = await self._call(self._redis.get(keys.delivery_lock_key(intent_id)))
        return None if value is None else lease.deadline_of(value)

    async def heartbeat(self, worker: str) -> None:
        """Say this worker lives; forget workers silent for STALE_WORKER (they died)."""
        now = time.time()
        pipe = self._redis.pipeline(transaction=True)
        pipe.zadd(keys.WORKERS, {worker: now})
        pipe.zremrangebyscore(keys.WORKERS, "-inf", now - STALE_WORKER)
        await self._call(pipe.execute())

    async def workers_alive(self, within: float) -> int:
        return int(await self._call(self._redis.zcount(keys.WORKERS, time.time() - within, "+inf")))
