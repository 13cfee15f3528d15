"""The outbox stream that queued intents' ids wait on, the per-intent delivery locks, and the
workers' heartbeats (`store.outbox`); the intents themselves are bot/store/intents.py."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError, ResponseError

from bot.errors import Busy, StoreUnavailable
from bot.intents import Intent
from bot.store import keys, lease, scripts
from bot.store.base import Aggregate, text
from bot.store.lease import Lease
from bot.telemetry import metrics

Entry = tuple[str, str]  # outbox stream entry id, intent id
STALE_WORKER = 60.0  # a worker silent this long is dropped from the heartbeats


@dataclass(frozen=True)
class Delivery:
    """An intent's delivery lock held, and what was read as it was taken."""

    lease: Lease
    intent: Intent | None  # None: it is gone (its workspace was purged)
    takings: int  # how often its lock was taken, this time included


class HeldElsewhere(Busy):
    """Another consumer holds the intent's delivery lock (read with the attempt to take it)."""

    def __init__(self, lock_ends: float, intent: Intent | None) -> None:
        super().__init__()
        self.lock_ends = lock_ends  # the deadline its value names (lease.deadline_of)
        self.intent = intent


def _intent(found: list[Any], index: int) -> Intent | None:
    raw = found[index] if len(found) > index else None
    return Intent.model_validate_json(raw) if raw else None


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
        self, consumer: str, idle_ms: int, block_ms: int, count: int = 10, claim: bool = True
    ) -> list[Entry]:
        """Entries idle longer than `idle_ms` (their consumer died or gave up) when `claim`,
        else (or if none) new ones."""
        entries = []
        if claim:
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
    async def delivering(self, intent_id: str, ttl: float, until: float) -> AsyncIterator[Delivery]:
        """The intent's delivery lock, renewed while its holder runs, for `until` seconds at
        most, taken with the intent read (one round trip); `HeldElsewhere` if taken."""
        names = (
            keys.delivery_lock_key(intent_id),
            keys.intent_key(intent_id),
            keys.takings_key(intent_id),
        )
        found: list[Any] = []

        async def take(value: str, ttl_ms: int) -> bool:
            script, ttl_s = scripts.TAKE_DELIVERY, keys.INTENT_TTL
            found[:] = await self._call(self._redis.eval(script, 3, *names, value, ttl_ms, ttl_s))
            if not found[0]:
                raise HeldElsewhere(lease.deadline_of(found[1]), _intent(found, 2))
            return True

        async with lease.held(self._redis, names[0], ttl, until, take) as held:
            yield Delivery(held, _intent(found, 2), int(found[1]))

    async def heartbeat(self, worker: str) -> None:
        """Say this worker lives; forget workers silent for STALE_WORKER (they died)."""
        now = time.time()
        pipe = self._redis.pipeline(transaction=True)
        pipe.zadd(keys.WORKERS, {worker: now})
        pipe.zremrangebyscore(keys.WORKERS, "-inf", now - STALE_WORKER)
        await self._call(pipe.execute())

    async def workers_alive(self, within: float) -> int:
        return int(await self._call(self._redis.zcount(keys.WORKERS, time.time() - within, "+inf")))
