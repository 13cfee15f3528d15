"""What the outbox leaves in Redis: acknowledged entries are gone, dead workers are forgotten."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from bot.intents import Intent
from bot.store import Store, keys
from bot.store.outbox import STALE_WORKER
from tests.unit.store.records import DRAFT


async def test_an_acknowledged_entry_leaves_the_stream(store: Store, raw: Redis) -> None:
    await store.outbox.create_group()
    for n in range(3):
        await store.intents.enqueue(Intent(id=f"i{n}", draft=DRAFT), watch=1.0)
    entries = await store.outbox.next("c1", 60_000, 10)
    assert len(entries) == 3
    for entry_id, _ in entries[:2]:
        await store.outbox.done(entry_id)
    assert await raw.xlen(keys.OUTBOX) == 1  # only the one still being delivered
    assert (await raw.xpending(keys.OUTBOX, keys.OUTBOX_GROUP))["pending"] == 1


async def test_a_heartbeat_forgets_workers_silent_for_long(store: Store, raw: Redis) -> None:
    long_ago = time.time() - STALE_WORKER - 1
    await raw.zadd(keys.WORKERS, {"worker-old-1": long_ago, "worker-old-2": long_ago - 3600})
    await raw.zadd(keys.WORKERS, {"worker-recent": time.time() - 20})  # not alive, not stale
    await store.outbox.heartbeat("worker-me")
    members = {member.decode() for member in await raw.zrange(keys.WORKERS, 0, -1)}
    assert members == {"worker-recent", "worker-me"}
    assert await store.outbox.workers_alive(15) == 1
