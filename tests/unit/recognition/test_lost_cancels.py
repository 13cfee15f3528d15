"""Every place that cancels work, with the cancellation lost at the worst moment (as 3.11's
wait_for loses it, see lost_cancel.py): each still ends in bounded time. Before bot/runtime/tasks.py
each of these hung (or, for the modal, leaked the work)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest
from cryptography.fernet import Fernet
from redis.asyncio import Redis
from slack_sdk.errors import SlackApiError

from bot.app import build_app
from bot.intents import Intent
from bot.models import Link, Owner, Person, TokenSet
from bot.recognition.consumer import STOP_GRACE, Consumer
from bot.runtime import tasks
from bot.services import build_services
from bot.settings import Settings
from bot.store import keys, lease
from bot.telemetry import metrics
from handlers import modal_blocks as mb
from handlers.modal_desk import Desk
from handlers.views import open_modal
from handlers.words import failure_words
from tests.unit.delivery_kit import Kit, a_draft, achievers, kit
from tests.unit.lost_cancel import GUARD, Deaf

__all__ = ["achievers", "kit"]  # fixtures
BOUND = tasks.CANCELS * tasks.GRACE + 0.5  # what a stop may take, with room for a busy machine


async def test_an_attempt_whose_save_loses_the_deadline_cancel_ends_at_its_deadline(
    kit: Kit,
) -> None:
    """The Redis write before the POST is where redis-py's wait_for sits."""
    save = Deaf(lose=1)
    began = time.monotonic()
    async with asyncio.timeout(GUARD):
        after = await kit.deliverer(deadline=0.3).attempt(Intent(id="i1", draft=a_draft()), save)
    assert time.monotonic() - began < 0.3 + BOUND
    assert save.lost == 1
    assert after.status == "pending"
    assert "can't tell yet whether it went through" in (failure_words(after.reason) or "")


async def test_a_consumer_stops_in_bounded_time_when_a_delivery_loses_its_cancel(
    kit: Kit,
) -> None:
    deliverer, attempt = kit.deliverer(), Deaf(lose=1)
    deliverer.attempt = attempt  # type: ignore[method-assign]
    consumer = Consumer(
        kit.store, deliverer, kit.consumer()._on_outcome, worker=True, retry_after=60
    )
    await kit.store.intents.enqueue(Intent(id="i1", draft=a_draft()), 0.001)
    stop = asyncio.Event()
    running = asyncio.create_task(consumer.run(stop))
    async with asyncio.timeout(GUARD):
        await attempt.started.wait()
        stop.set()
        began = time.monotonic()
        await running
    assert time.monotonic() - began < 0.5 + STOP_GRACE + BOUND
    assert attempt.lost == 1
    assert kit.told == []


async def test_the_web_process_lets_its_deliveries_finish_and_stops_them_in_bounded_time(
    kit: Kit, redis_url: str
) -> None:
    """The web process's own consumer (no worker), stopped as the lifespan stops it: its delivery
    under way gets STOP_GRACE, then is stopped though it loses a cancel, before the services
    close. Before, the consumer was cancelled at once and left the delivery running."""
    services, attempt = build_services(a_settings(redis_url)), Deaf(lose=1)
    services.deliverer.attempt = attempt  # type: ignore[method-assign]
    app = build_app(services)
    await kit.store.intents.enqueue(Intent(id="web-1", draft=a_draft()), 0.001)
    async with asyncio.timeout(GUARD):
        async with app.router.lifespan_context(app):
            await attempt.started.wait()
            began = time.monotonic()
    assert STOP_GRACE <= time.monotonic() - began < STOP_GRACE + BOUND
    assert attempt.ended.is_set() and attempt.lost == 1
    assert kit.told == []


async def test_a_consumer_cancelled_stops_its_deliveries_first(kit: Kit) -> None:
    """A shutdown that can't wait for the grace: the delivery under way is stopped with the
    consumer (it loses a cancel), not left running."""
    deliverer, attempt = kit.deliverer(), Deaf(lose=1)
    deliverer.attempt = attempt  # type: ignore[method-assign]
    consumer = Consumer(
        kit.store, deliverer, kit.consumer()._on_outcome, worker=False, retry_after=60
    )
    await kit.store.intents.enqueue(Intent(id="i2", draft=a_draft()), 0.001)
    running = asyncio.create_task(consumer.run(asyncio.Event()))
    async with asyncio.timeout(GUARD):
        await attempt.started.wait()
        began = time.monotonic()
        assert not await tasks.stop(running)
    assert time.monotonic() - began < BOUND
    assert attempt.ended.is_set() and attempt.lost == 1


async def test_the_watchdog_counts_a_pending_intent_under_a_lock_past_its_deadline(
    kit: Kit, raw: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    """A lock still alive after the deadline it carries (as the renewals that never ended kept
    it): logged by a hash of the intent's id, counted once."""
    consumer = kit.consumer()
    entry = await kit.queued(Intent(id="intent-secret-id", draft=a_draft()))
    before = stuck_count()
    lock = keys.delivery_lock_key("intent-secret-id")
    await raw.set(lock, lease.token(time.time() + 60), px=60_000)
    await consumer.handle(*entry)  # busy, and within its deadline: nothing to say
    assert consumer.stuck == set() and stuck_count() == before
    await raw.set(lock, lease.token(time.time() - 60), px=60_000)
    with caplog.at_level(logging.WARNING, logger="bot.recognition.outbox"):
        await consumer.handle(*entry)
        await consumer.handle(*entry)
    [digest] = consumer.stuck
    assert stuck_count() == before + 1  # kudos_outbox_stuck_total
    assert [r.getMessage() for r in caplog.records].count(
        f"outbox: intent {digest} is pending past its deadline under a live lock"
    ) == 1
    assert "intent-secret-id" not in caplog.text
    assert kit.posts() == 0  # a watchdog only watches


async def test_the_watchdog_trusts_a_lock_that_names_its_deadline(kit: Kit, raw: Redis) -> None:
    """An intent near its 15 minutes, locked by an attempt that began just now and is within its
    deadline, is healthy. Only a lock from an older version, which names no deadline, is judged by
    when the intent should have failed."""
    consumer = kit.consumer()
    old = time.time() - 20 * 60  # queued 20 minutes ago: it fails at the end of this attempt
    entry = await kit.queued(Intent(id="near-its-end", draft=a_draft(), queued_at=old))
    lock = keys.delivery_lock_key("near-its-end")
    await raw.set(lock, lease.token(time.time() + 60), px=60_000)
    await consumer.handle(*entry)
    assert consumer.stuck == set()
    await raw.set(lock, "a-uuid-from-an-older-version", px=60_000)
    await consumer.handle(*entry)
    assert len(consumer.stuck) == 1
    assert kit.posts() == 0


def stuck_count() -> float:
    value: float = metrics.STUCK._value.get()  # this process's kudos_outbox_stuck_total
    return value


class Tokens:
    async def link(self, owner: Owner) -> Link:
        return Link(account=Person(id="1", name="Ana"), token=TokenSet(access_token="t"))


class RefusingSlack:
    async def views_open(self, **kwargs: Any) -> Any:
        await asyncio.sleep(0.05)  # Slack takes a moment to refuse; the values are loading
        raise SlackApiError("expired", {"ok": False, "error": "expired_trigger_id"})  # type: ignore[no-untyped-call]


class Recognitions:
    def __init__(self) -> None:
        self.values = Deaf(lose=1)


async def test_a_modal_that_cannot_open_stops_loading_its_values(kit: Kit) -> None:
    recognitions = Recognitions()
    spec = kit.registry.get("achievers").spec
    owner = Owner("T1", "U_ANA", "achievers")
    tools: list[Any] = [kit.registry, Tokens(), None, recognitions, None]
    desk = Desk(RefusingSlack(), owner, spec, *tools)  # type: ignore[arg-type]
    async with asyncio.timeout(GUARD):
        with pytest.raises(SlackApiError):
            await open_modal(desk, "trigger", mb.Origin("achievers"), mb.Prefill())
        await recognitions.values.ended.wait()
    assert recognitions.values.lost == 1


async def test_the_web_process_shuts_down_when_background_work_loses_its_cancel(
    redis_url: str,
) -> None:
    services, keep_fresh = build_services(a_settings(redis_url)), Deaf(lose=1)
    services.directory.keep_fresh = keep_fresh  # type: ignore[method-assign]
    app = build_app(services)
    async with asyncio.timeout(GUARD):
        async with app.router.lifespan_context(app):
            await keep_fresh.started.wait()
            began = time.monotonic()
    assert time.monotonic() - began < BOUND
    assert keep_fresh.lost == 1


def a_settings(redis_url: str) -> Settings:
    """A web process's settings on the test Redis."""
    return Settings.model_validate(
        {
            "slack_signing_secret": "s",
            "slack_bot_token": "xoxb-t",
            "redis_url": redis_url,
            "token_encryption_keys": Fernet.generate_key().decode(),
        }
    )
