"""bot/store/connection.py: a Redis write bounded by `asyncio.timeout` in the caller's task loses
no cancel and ends in bounded time, even when the cancel lands just as the write completes (the
moment 3.11's `wait_for`, which redis-py bounds writes with, loses it: CPython gh-86296)."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection, Connection, SSLConnection
from redis.asyncio.sentinel import SentinelManagedConnection, SentinelManagedSSLConnection
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.store import sentinel
from bot.store.connection import TimedWrites, timed, timed_for_url
from tests.unit.lost_cancel import GUARD

TIMEOUT = 0.2


class Writer:
    """A socket's writer whose drain completes when the test resolves `drained`."""

    def __init__(self) -> None:
        self.drained: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def writelines(self, data: Any) -> None:
        self.data = data

    async def drain(self) -> None:
        await self.drained

    def close(self) -> None:
        self.closed = True


def connected(connection_class: type[AbstractConnection]) -> tuple[AbstractConnection, Writer]:
    connection = connection_class(socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)
    writer = Writer()
    connection._reader, connection._writer = object(), writer  # type: ignore[assignment]
    return connection, writer


async def cancel_as_the_write_completes(
    connection_class: type[AbstractConnection], turns: int
) -> tuple[bool, bool]:
    """Cancel a write `turns` loop turns after its drain completed: (cancel taken, lost)."""
    connection, writer = connected(connection_class)
    task = asyncio.create_task(connection.send_packed_command(b"PING\r\n", check_health=False))
    await asyncio.sleep(0)  # the write is under way, waiting for the drain
    writer.drained.set_result(None)
    for _ in range(turns):
        await asyncio.sleep(0)
    taken = task.cancel()
    async with asyncio.timeout(GUARD):
        await asyncio.wait({task})
    return taken, taken and not task.cancelled()


@pytest.mark.parametrize("turns", range(4))
async def test_a_cancel_landing_as_a_write_completes_is_not_lost(turns: int) -> None:
    taken, lost = await cancel_as_the_write_completes(timed(Connection), turns)
    assert not lost
    assert taken or turns > 0  # at first the write is still under way


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="wait_for keeps the cancel from 3.12")
async def test_redis_pys_own_write_loses_that_cancel_on_python_311() -> None:
    """The evidence for the module: the same moment, through redis-py's `wait_for`."""
    outcomes = [await cancel_as_the_write_completes(Connection, turns) for turns in range(4)]
    assert any(lost for _, lost in outcomes)


async def test_a_timeout_firing_as_the_write_completes_ends_in_bounded_time() -> None:
    """A starved loop: the drain completes and the timeout fires in the same turn of the loop
    (the cancel finds the write already done). The write still ends, within its timeout."""
    loop = asyncio.get_running_loop()
    connection, writer = connected(timed(Connection))
    began = time.monotonic()
    task = asyncio.create_task(connection.send_packed_command(b"PING\r\n", check_health=False))
    await asyncio.sleep(0)
    loop.call_later(TIMEOUT * 0.9, writer.drained.set_result, None)
    loop.call_later(TIMEOUT * 0.5, time.sleep, TIMEOUT)  # both due when the loop looks again
    async with asyncio.timeout(GUARD):
        await asyncio.wait({task})
    assert time.monotonic() - began < 2 * TIMEOUT + 0.5
    with pytest.raises(RedisTimeoutError):
        task.result()  # the timeout won: the connection was dropped, not reused half-read
    assert connection._writer is None


async def test_a_write_that_never_completes_times_out() -> None:
    connection, _ = connected(timed(Connection))
    began = time.monotonic()
    with pytest.raises(RedisTimeoutError):
        async with asyncio.timeout(GUARD):
            await connection.send_packed_command(b"PING\r\n", check_health=False)
    assert TIMEOUT <= time.monotonic() - began < TIMEOUT + 0.5


def test_every_pool_keeps_its_connection_class_and_gets_timed_writes() -> None:
    assert issubclass(timed_for_url("rediss://localhost:6380/0"), SSLConnection)
    assert issubclass(timed_for_url("redis://localhost:6379/0"), TimedWrites)
    assert timed(Connection) is timed(Connection)


@pytest.mark.parametrize("tls", [False, True])
async def test_the_sentinel_pool_times_writes_as_the_url_pool_does(tls: bool) -> None:
    """So a timeout during a failover is read as busy or unavailable by the same rules."""
    client = sentinel.primary_through_sentinels([("127.0.0.1", 1)], "primary", {}, ssl=tls)
    made = client.connection_pool.connection_class
    assert issubclass(made, TimedWrites)
    assert issubclass(made, SentinelManagedSSLConnection) == tls
    assert issubclass(made, SentinelManagedConnection)
    await sentinel.close(client)


async def test_a_wait_longer_than_the_socket_timeout_is_read_until_it_ends(redis_url: str) -> None:
    """A BLPOP asked to block past the socket timeout gets its answer, alone or first in a
    pipeline (one wait, not one per socket timeout)."""
    client: Redis = Redis.from_url(
        redis_url, connection_class=timed(Connection), socket_timeout=TIMEOUT
    )
    news = "kb:test:news"

    async def push_late() -> None:
        await asyncio.sleep(TIMEOUT * 3)
        await client.rpush(news, "final")  # type: ignore[misc]

    try:
        pushing = asyncio.create_task(push_late())
        assert await client.blpop([news], timeout=TIMEOUT * 10) == (news.encode(), b"final")  # type: ignore[misc]
        await pushing
        pushing = asyncio.create_task(push_late())
        pipe = client.pipeline(transaction=False)
        pipe.blpop([news], timeout=TIMEOUT * 10)
        pipe.llen(news)
        assert await pipe.execute() == [(news.encode(), b"final"), 0]
        await pushing
    finally:
        await client.aclose()
