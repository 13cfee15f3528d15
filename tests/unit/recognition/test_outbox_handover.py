"""Exactly one side tells the sender a final outcome: the watching Send request or the consumer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from redis.asyncio import Redis

from bot.accounts.crypto import TokenCipher
from bot.intents import Intent
from bot.models import Sent
from bot.recognition.outbox import WATCH_GRACE, Outbox
from bot.store import Store, keys
from bot.store.scripts import END_WATCH
from tests.unit.store.records import DRAFT

SHORT_WATCH = 0.3


@pytest.fixture
async def store(redis_url: str) -> AsyncIterator[Store]:
    client = Redis.from_url(redis_url)
    store = Store(client, TokenCipher([Fernet(Fernet.generate_key())]))
    await store.drafts.put(DRAFT)
    yield store
    await client.aclose()


def delivered(intent: Intent) -> Intent:
    return intent.model_copy(update={"status": "done", "sent": Sent(id="r1")})


async def test_finished_during_the_watch_the_request_tells_the_sender(store: Store) -> None:
    outbox = Outbox(store, watch=SHORT_WATCH)
    intent = await outbox.submit(DRAFT)
    watching = asyncio.create_task(outbox.outcome(intent))
    handed = await store.intents.finish(delivered(intent))
    shown = await watching
    assert handed is True
    assert shown.status == "done"
    # the consumer is silent
    assert await store.intents.taken_by_watcher(intent.id, within=1.0) is True


async def test_finished_after_the_watch_the_consumer_tells_the_sender(store: Store) -> None:
    outbox = Outbox(store, watch=SHORT_WATCH)
    intent = await outbox.submit(DRAFT)
    shown = await outbox.outcome(intent)
    told_by_request = await store.intents.finish(delivered(intent))
    assert shown.status == "pending"
    assert told_by_request is False


async def test_a_final_intent_not_handed_over_is_shown_as_still_pending(
    store: Store, redis_url: str
) -> None:
    """The watch key vanished (its request was presumed dead): the consumer DMs, so the request
    must not also show the final outcome."""
    outbox = Outbox(store, watch=SHORT_WATCH)
    intent = await outbox.submit(DRAFT)
    async with Redis.from_url(redis_url) as raw:
        await raw.delete(keys.watch_key(intent.id))
    assert await store.intents.finish(delivered(intent)) is False
    shown = await outbox.outcome(intent)
    assert shown.status == "pending"


async def test_the_watch_key_outlives_the_wait(store: Store, redis_url: str) -> None:
    """The key must not expire before the request stops waiting, or both sides would speak."""
    intent = await Outbox(store, watch=SHORT_WATCH).submit(DRAFT)
    async with Redis.from_url(redis_url) as raw:
        ttl_ms = await raw.pttl(keys.watch_key(intent.id))
    assert (SHORT_WATCH + WATCH_GRACE - 1) * 1000 < ttl_ms <= (SHORT_WATCH + WATCH_GRACE) * 1000


async def test_a_handed_over_outcome_nobody_takes_is_left_to_the_consumer(
    store: Store, redis_url: str
) -> None:
    """The watching request died (or lost Redis) after the hand-over: its watch lapses and the
    consumer, not hearing that the outcome was taken, DMs the sender."""
    intent = await Outbox(store, watch=SHORT_WATCH).submit(DRAFT)
    assert await store.intents.finish(delivered(intent)) is None  # handed over, not taken
    async with Redis.from_url(redis_url) as raw:
        await raw.pexpire(keys.watch_key(intent.id), 100)
    assert await store.intents.taken_by_watcher(intent.id, within=5.0) is False


async def test_a_late_end_of_the_watch_changes_nothing(store: Store, redis_url: str) -> None:
    """Ending the watch reaches Redis after its deadline: refused, so the hand-over stays
    possible and the consumer (not a request that already gave up) tells the sender."""
    intent = await Outbox(store, watch=SHORT_WATCH).submit(DRAFT)
    async with Redis.from_url(redis_url) as raw:
        late: Any = raw.eval(END_WATCH, 2, keys.watch_key(intent.id), "x", 0, "final", "taken")
        answer = await late  # its deadline (0) long past
        assert answer == [-1]
        assert await raw.get(keys.watch_key(intent.id)) == b"1"
    assert await store.intents.finish(delivered(intent)) is None  # handed over, not taken


async def test_an_outcome_taken_whose_answer_was_lost_is_taken_again(store: Store) -> None:
    """The request's wait and the end of its watch are one round trip; if its answer is read
    too late (a busy process), ending the watch again returns the same outcome, and the
    consumer stays silent: the sender is told exactly once, by the request."""
    intent = await Outbox(store, watch=SHORT_WATCH).submit(DRAFT)
    watching = asyncio.create_task(store.intents.watch(intent.id, 5.0))
    assert await store.intents.finish(delivered(intent)) is True  # handed over, and taken
    taken, _ = await watching
    again = await store.intents.stop_watching(intent.id)  # as after an answer read too late
    assert taken is not None and again == taken and again.status == "done"
    assert await store.intents.taken_by_watcher(intent.id, within=1.0) is True
