"""bot/store/lease.py: a lock renewed while its holder runs, that never outlives its lease, and
whose holder gets out in bounded time even when the renewal loses its cancellation."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.errors import Busy
from bot.runtime import tasks
from bot.store import lease
from tests.unit.lost_cancel import GUARD, DeafRedis

KEY = "kb:test:lease"


@pytest.fixture
async def deaf(redis_url: str) -> AsyncIterator[DeafRedis]:
    client = DeafRedis.from_url(redis_url)
    assert isinstance(client, DeafRedis)
    client.locks = []
    yield client
    await client.aclose()


def renewals() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == f"renew {KEY}" and not t.done()]


async def test_a_renewal_that_loses_its_cancel_neither_holds_the_holder_nor_the_lock(
    deaf: DeafRedis, raw: Redis
) -> None:
    """The holder finishes while a renewal is in flight, and the renewal swallows the cancel
    (3.11's wait_for): the holder still gets out at once, and the lock is gone."""
    began = time.monotonic()
    async with asyncio.timeout(GUARD):
        async with lease.held(deaf, KEY, ttl=0.3, lease=3.0):
            await deaf.locks[0].extending.wait()  # the worst moment to be cancelled
    assert time.monotonic() - began < 0.3 + tasks.CANCELS * tasks.GRACE + 0.5
    assert deaf.locks[0].lost >= 1
    assert not await raw.exists(KEY)
    async with asyncio.timeout(GUARD):  # and the renewal loop ended: nothing renews a lock gone
        await asyncio.gather(*renewals(), return_exceptions=True)


async def test_a_renewal_that_outlives_its_release_ends_at_its_next_turn(
    raw: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    """Where a renewal that lost its cancellations finds itself once the holder released the
    lock (redis-py forgets the token): it ends at once, rather than failing, logged, every
    ttl/3 until the lease ends."""
    lock = raw.lock(KEY, timeout=1.0)
    assert await lock.acquire(blocking=False)
    await lock.release()
    with caplog.at_level(logging.DEBUG, logger="bot.store.lease"):
        async with asyncio.timeout(GUARD):
            await lease._renew(lock, ttl=0.3, ends=time.monotonic() + 3 * GUARD)
    assert caplog.records == []
    assert not await raw.exists(KEY)


async def test_no_renewal_extends_a_lock_past_its_lease(raw: Redis) -> None:
    """A holder that runs on past its lease loses the lock at the lease's end, however often it
    was renewed before; the lock's value names that end."""
    async with asyncio.timeout(GUARD):
        async with lease.held(raw, KEY, ttl=0.3, lease=0.8):
            value = await raw.get(KEY)
            assert value is not None
            assert lease.deadline_of(value) == pytest.approx(time.time() + 0.8, abs=0.2)
            await asyncio.sleep(0.5)
            assert await raw.exists(KEY)  # renewed past its first TTL
            assert await raw.pttl(KEY) <= 400  # but never beyond the lease
            await asyncio.sleep(0.5)
            assert not await raw.exists(KEY)  # lapsed at the lease's end
            assert not renewals()  # the renewal loop ended by itself


async def test_a_held_lock_is_busy_for_everyone_else(raw: Redis) -> None:
    async with lease.held(raw, KEY, ttl=1.0, lease=5.0):
        with pytest.raises(Busy):
            async with lease.held(raw, KEY, ttl=1.0, lease=5.0):
                pass
    async with lease.held(raw, KEY, ttl=1.0, lease=5.0):  # free again once released
        pass


def test_a_lock_value_without_a_deadline_reads_as_none_given() -> None:
    assert lease.deadline_of(b"0123abcd@1700000000.500") == 1700000000.5
    assert lease.deadline_of(b"a-uuid-from-an-older-version") == float("inf")
