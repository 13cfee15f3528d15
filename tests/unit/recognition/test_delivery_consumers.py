"""Consumers side by side on one intent: the delivery lock outlives a slow attempt, and the
sender always hears the outcome from someone."""

from __future__ import annotations

import asyncio

import pytest
from cryptography.fernet import Fernet
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from bot.accounts.crypto import TokenCipher
from bot.errors import StoreUnavailable
from bot.intents import Intent
from bot.recognition.outbox import Outbox
from bot.store import Store, keys
from testkit.support import async_wait_until, free_port
from tests.unit.delivery_kit import RECOGNITIONS, Kit, a_draft, achievers, kit

__all__ = ["achievers", "kit"]  # fixtures
LOCK_TTL = 0.3  # the POST below takes more than three times as long


async def test_two_consumers_never_post_twice_when_an_attempt_outlasts_the_lock_ttl(
    kit: Kit,
) -> None:
    kit.fake.hang_next(1.2, method="POST", path=RECOGNITIONS)  # only the POST is slow
    entry = await kit.queued(Intent(id="i1", draft=a_draft()))
    first, second = kit.consumer(LOCK_TTL), kit.consumer(LOCK_TTL)
    delivering = asyncio.create_task(first.handle(*entry))
    await async_wait_until(kit.posts)
    while not delivering.done():  # the second claims the same entry again and again meanwhile
        await second.handle(*entry)
        await asyncio.sleep(0.05)
    await delivering
    assert kit.posts() == 1
    assert len(kit.fake.recognitions) == 1
    assert [intent.status for intent, _ in kit.told] == ["done"]


async def test_a_watcher_that_lost_redis_leaves_the_dm_to_the_consumer(
    kit: Kit, redis_url: str
) -> None:
    """The outcome was handed over, but the watching request never got it (Redis failed it):
    the consumer must not stay silent."""
    draft = a_draft()
    await kit.store.drafts.put(draft)
    intent = await Outbox(kit.store).submit(draft)
    await kit.store.outbox.create_group()
    [entry] = await kit.store.outbox.next("c", 60_000, 10)
    delivering = asyncio.create_task(kit.consumer().handle(*entry))
    watch = keys.watch_key(intent.id)
    nowhere = Redis(port=free_port(), retry=Retry(NoBackoff(), 0))
    broken = Outbox(Store(nowhere, TokenCipher([Fernet(Fernet.generate_key())])), watch=0.1)
    with pytest.raises(StoreUnavailable):  # the sender reads "temporarily unavailable"
        await broken.outcome(intent)
    async with Redis.from_url(redis_url) as raw:
        for _ in range(250):  # handed over, to a request that never took it
            if await raw.get(watch) == b"final":
                break
            await asyncio.sleep(0.02)
        await raw.pexpire(watch, 50)  # its watch lapses (here sooner than WATCH_GRACE)
        await asyncio.wait_for(delivering, 5)
    [(delivered, told)] = kit.told
    assert delivered.status == "done"
    assert told is False  # so the sender gets a DM


async def test_a_watcher_that_took_the_outcome_is_left_to_tell_it(kit: Kit) -> None:
    draft = a_draft()
    await kit.store.drafts.put(draft)
    outbox = Outbox(kit.store)
    intent = await outbox.submit(draft)
    await kit.store.outbox.create_group()
    [entry] = await kit.store.outbox.next("c", 60_000, 10)
    delivering = asyncio.create_task(kit.consumer().handle(*entry))
    shown = await outbox.outcome(intent)
    await asyncio.wait_for(delivering, 5)
    assert shown.status == "done"
    [(_, told)] = kit.told
    assert told is True


async def test_a_holder_that_died_after_its_post_is_reconciled_by_the_next(kit: Kit) -> None:
    """Nothing is saved before the POST: the second taking of the intent's delivery lock is
    what tells the next consumer that the first may have posted, so it reads the platform
    first and posts nothing more."""
    intent = Intent(id="i-died", draft=a_draft())
    entry = await kit.queued(intent)
    async with kit.store.outbox.delivering(intent.id, 6.0, 60.0) as held:  # the first holder
        assert held.takings == 1 and held.intent == intent
        await kit.deliverer().attempt(intent, None)  # posts, then dies before saving anything
    assert kit.posts() == 1
    await kit.consumer().handle(*entry)
    assert kit.posts() == 1
    assert len(kit.fake.recognitions) == 1
    [(told, _)] = kit.told
    assert told.status == "done" and told.attempts == 1
