"""GETs at once go to Redis in one pipeline, each answered with its own value; one alone goes
alone; a cancelled reader or a failed batch leaves the others (and later reads) unharmed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import cast

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from bot.models import Owner
from bot.store import Store
from bot.store.reads import MOST_AT_ONCE, BatchedReads
from tests.unit.recognition.test_outbox_wakeup import reads_processed
from tests.unit.store.records import LINK


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[Redis]:
    """The reads' own client: `raw` counts Redis's reads without joining a batch. Closed at
    the end: a connection closed later would count as a read in another test."""
    reader = Redis.from_url(redis_url)
    yield reader
    await reader.aclose()


async def filled(raw: Redis, count: int) -> list[str]:
    keys = [f"kb:test:read:{n}" for n in range(count)]
    await raw.mset({key: f"value {n}" for n, key in enumerate(keys)})
    return keys


async def test_one_read_alone_is_one_get(raw: Redis, client: Redis) -> None:
    (key,) = await filled(raw, 1)
    reads = BatchedReads(client)
    assert await reads.get(key) == b"value 0"  # connects
    before = await reads_processed(raw)
    assert await reads.get(key) == b"value 0"
    assert await reads.get("kb:test:read:none") is None
    assert await reads_processed(raw) - before == 3  # two GETs, and the second INFO


async def test_reads_at_once_take_two_round_trips(raw: Redis, client: Redis) -> None:
    keys = await filled(raw, 20)
    reads = BatchedReads(client)
    await reads.get(keys[0])  # connects
    before = await reads_processed(raw)
    got = await asyncio.gather(*(reads.get(key) for key in keys))
    assert got == [f"value {n}".encode() for n in range(20)]
    assert await reads_processed(raw) - before == 3  # the first alone, the others, the INFO


async def test_more_than_a_batch_at_once_are_each_answered(raw: Redis, client: Redis) -> None:
    count = MOST_AT_ONCE * 2 + 3
    keys = await filled(raw, count)
    reads = BatchedReads(client)
    got = await asyncio.gather(*(reads.get(key) for key in keys))
    assert got == [f"value {n}".encode() for n in range(count)]


async def test_a_cancelled_reader_leaves_the_others_their_answers(
    raw: Redis, client: Redis
) -> None:
    keys = await filled(raw, 3)
    reads = BatchedReads(client)
    first = asyncio.ensure_future(reads.get(keys[0]))
    waiting = [asyncio.ensure_future(reads.get(key)) for key in keys[1:]]
    await asyncio.sleep(0)  # every reader has started: the first is in flight, two wait
    waiting[0].cancel()
    assert await first == b"value 0"
    assert await waiting[1] == b"value 2"
    assert waiting[0].cancelled()


async def test_an_error_reaches_every_reader_of_its_batch_and_reads_go_on(
    raw: Redis, client: Redis
) -> None:
    (key,) = await filled(raw, 1)
    await cast("Awaitable[int]", raw.rpush("kb:test:read:list", "x"))  # a GET of it fails
    reads = BatchedReads(client)
    first = asyncio.ensure_future(reads.get(key))
    await asyncio.sleep(0)
    batch = [reads.get("kb:test:read:list"), reads.get(key)]
    answers = await asyncio.gather(*batch, return_exceptions=True)
    assert await first == b"value 0"
    assert all(isinstance(answer, ResponseError) for answer in answers)
    again: list[bytes] = await asyncio.gather(reads.get(key), reads.get(key))
    assert again == [b"value 0"] * 2


async def test_a_stopped_batch_fails_its_readers_as_redis_would(raw: Redis, client: Redis) -> None:
    """Only the event loop's end stops a batch: its readers hear a connection error (the store
    says "unavailable"), never a cancellation they did not ask for."""
    keys = await filled(raw, 2)
    reads = BatchedReads(client)
    first = asyncio.ensure_future(reads.get(keys[0]))
    await asyncio.sleep(0)
    waiting = asyncio.ensure_future(reads.get(keys[1]))
    await first
    (batch,) = reads._batches
    batch.cancel()
    with pytest.raises(RedisConnectionError):
        await waiting
    assert await reads.get(keys[1]) == b"value 1"


async def test_the_store_reads_links_at_once_in_one_batch(store: Store, raw: Redis) -> None:
    """What `/kudos status` under load does: many link reads at once, two round trips."""
    owners = [Owner("T1", f"U{n}", "achievers") for n in range(10)]
    for owner in owners:
        await store.links.save(owner, LINK)
    await store.links.load(owners[0])
    before = await reads_processed(raw)
    loaded = await asyncio.gather(*(store.links.load(owner) for owner in owners))
    assert loaded == [LINK] * len(owners)
    assert await reads_processed(raw) - before == 3  # the first alone, the others, the INFO
