"""One delivery attempt against the Achievers fake: its deadline, what leaves an intent pending,
and waits the platform asks for (Retry-After)."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.errors import (
    Busy,
    KudosError,
    PartiallySent,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    StoreUnavailable,
)
from bot.intents import Intent
from bot.models import Sent
from bot.recognition.delivery import GIVE_UP_AFTER, LONGEST_WAIT, later
from handlers import blocks
from handlers.kit import Block
from handlers.words import failure_words, said
from testkit.fakes.faults import http_date
from tests.unit.delivery_kit import RECOGNITIONS, Kit, a_draft, achievers, kit

__all__ = ["achievers", "kit"]  # fixtures


def text(shown: list[Block]) -> str:
    return " ".join(str(block.get("text", {}).get("text", "")) for block in shown)


async def test_an_attempt_is_cut_off_at_its_deadline_and_reconciled_next_time(kit: Kit) -> None:
    kit.fake.hang_next(2.0, method="POST", path=RECOGNITIONS)  # the POST lands, 2 s later
    intent = Intent(id="i1", draft=a_draft())
    started = time.monotonic()
    after = await kit.deliverer(deadline=0.3).attempt(intent, kit.store.intents.save)
    assert time.monotonic() - started < 1.5
    assert after.status == "pending"
    assert after.attempts == 1  # the next attempt reads the platform before any POST
    assert "can't tell yet whether it went through" in (failure_words(after.reason) or "")


async def test_a_partly_sent_attempt_reads_back_within_the_same_deadline(kit: Kit) -> None:
    """Some recipients got it late in the attempt, then the read-back of who did hangs: the
    attempt still ends at its one deadline, not a second one counted from the read-back."""
    deliverer = kit.deliverer(deadline=1.0)

    async def send_partly(intent: Intent, people: list[str]) -> Sent:
        await asyncio.sleep(0.8)
        raise PartiallySent("partly_sent", sent=1, total=2, name="Acme") from ProviderError()

    deliverer._send = send_partly  # type: ignore[method-assign]
    kit.fake.hang_next(5.0, method="GET", path=RECOGNITIONS)  # the read-back of who has it
    started = time.monotonic()
    after = await deliverer.attempt(Intent(id="i1", draft=a_draft()), kit.store.intents.save)
    assert time.monotonic() - started < 1.0 + 0.5
    assert after.status == "failed"
    words = "Sent to 1 of 2 people, then Acme refused the rest. Check Acme before sending again."
    assert failure_words(after.reason) == words


@pytest.mark.parametrize("error", [StoreUnavailable(), Busy()], ids=["redis-away", "busy"])
async def test_our_own_trouble_leaves_the_intent_pending(kit: Kit, error: KudosError) -> None:
    async def save(intent: Intent) -> None:
        raise error

    after = await kit.deliverer().attempt(Intent(id="i1", draft=a_draft()), save)
    assert after.status == "pending"
    assert failure_words(after.reason) == said(error)
    assert kit.posts() == 0


@pytest.mark.parametrize(
    ("as_date", "seconds", "words"),
    [(False, 120.0, "2 minutes"), (True, 7200.0, "2 hours")],
    ids=["seconds", "http-date"],
)
async def test_a_rate_limit_sets_when_to_try_again(
    kit: Kit, as_date: bool, seconds: float, words: str
) -> None:
    """Even past GIVE_UP_AFTER, the intent waits as long as the platform asked."""
    retry_after = http_date(seconds) if as_date else seconds
    kit.fake.fail_next(429, retry_after=retry_after, method="POST", path=RECOGNITIONS)
    intent = Intent(id="i1", draft=a_draft(), queued_at=time.time() - GIVE_UP_AFTER - 60)
    after = await kit.deliverer().attempt(intent, kit.store.intents.save)
    now = time.time()
    assert after.status == "pending"
    assert after.not_before is not None
    assert abs(after.not_before - (now + seconds)) < 3
    spec = kit.registry.get("achievers").spec
    told = text(blocks.queued(after, spec, now))
    assert f"Achievers asked us to wait {words}. I'll deliver it then and DM you." in told
    assert "try again" not in told.lower()


async def test_nothing_is_attempted_before_the_wait_ends(kit: Kit) -> None:
    intent = Intent(id="i1", draft=a_draft(), not_before=time.time() + 60)
    entry = await kit.queued(intent)
    consumer = kit.consumer()
    await consumer.handle(*entry)
    assert kit.posts() == 0
    assert (await kit.store.intents.load("i1")) == intent  # untouched, still queued
    await kit.store.intents.save(intent.model_copy(update={"not_before": time.time() - 1}))
    await consumer.handle(*entry)
    assert kit.posts() == 1
    [(delivered, _)] = kit.told
    assert delivered.status == "done"


def unavailable() -> ProviderUnavailable:
    return ProviderUnavailable("platform_away", name="Achievers")


def test_an_ordinary_outage_gives_up_after_fifteen_minutes() -> None:
    now = time.time()
    young = Intent(id="i1", draft=a_draft(), queued_at=now - 60)
    assert later(young, unavailable(), now).status == "pending"
    old = young.model_copy(update={"queued_at": now - GIVE_UP_AFTER - 1})
    assert later(old, unavailable(), now).status == "failed"


def test_after_the_asked_wait_one_more_attempt_decides() -> None:
    """Given up at the later of GIVE_UP_AFTER and the platform's wait: the attempt made once
    the wait is over is the last."""
    now = time.time()
    waited = Intent(
        id="i1", draft=a_draft(), queued_at=now - 2 * 3600, not_before=now - 1, attempts=1
    )
    assert later(waited, unavailable(), now).status == "failed"
    again = later(waited, RateLimited("Achievers is busy.", 600), now)
    assert again.status == "pending"
    assert again.not_before == now + 600


def test_a_wait_beyond_reason_fails_at_once() -> None:
    now = time.time()
    intent = Intent(id="i1", draft=a_draft(), queued_at=now)
    after = later(intent, RateLimited("Achievers is busy.", LONGEST_WAIT + 60), now)
    assert after.status == "failed"
