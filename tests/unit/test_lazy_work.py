"""Bursts: work after the ack waits for a slot in a bounded queue, and whoever is turned away,
or meets a pool with no free connection, hears that the bot is busy, not that Redis is down."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from redis.asyncio import BlockingConnectionPool, Redis
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.app import ProvideServices
from bot.crypto import TokenCipher
from bot.errors import Overloaded, StoreBusy, StoreUnavailable
from bot.lazy_work import LazyWork
from bot.store import Store
from tests.support import block_action, free_port, slash_command

CIPHER = TokenCipher([Fernet(Fernet.generate_key())])


async def test_past_the_queue_bound_work_is_told_busy_at_once() -> None:
    work = LazyWork(in_flight=2, queued=3)
    release, ran = asyncio.Event(), []

    async def job(n: int) -> None:
        async with work.slot():
            ran.append(n)
            await release.wait()

    jobs = [asyncio.create_task(job(n)) for n in range(5)]  # 2 running, 3 queued
    await asyncio.sleep(0)
    assert work.waiting == 3 and ran == [0, 1]
    with pytest.raises(Overloaded) as turned_away:
        await job(5)
    assert "busy" in turned_away.value.user_message
    assert "unavailable" not in turned_away.value.user_message
    release.set()
    await asyncio.gather(*jobs)
    assert sorted(ran) == [0, 1, 2, 3, 4]  # everything queued ran, later


async def test_a_full_pool_while_redis_answers_is_busy(redis_url: str) -> None:
    pool = BlockingConnectionPool.from_url(redis_url, max_connections=1, timeout=0.2)
    client = Redis(connection_pool=pool)
    store = Store(client, CIPHER)
    try:
        assert await store.ping()  # Redis answers

        async def hold_the_only_connection() -> None:
            await client.blpop(["kb:test:nothing"], timeout=1)  # type: ignore[misc]

        holding = asyncio.create_task(hold_the_only_connection())
        await asyncio.sleep(0.05)
        with pytest.raises(StoreBusy) as busy:
            await store.load_intent("any")  # no free connection for 0.2 s
        assert "unavailable" not in busy.value.user_message
        await holding
    finally:
        await client.aclose()


async def test_a_redis_that_refuses_connections_is_unavailable() -> None:
    client = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5)
    store = Store(client, CIPHER)
    try:
        with pytest.raises(StoreUnavailable) as down:
            await store.load_intent("any")
        assert not isinstance(down.value, StoreBusy)
        assert "temporarily unavailable" in down.value.user_message
    finally:
        await client.aclose()


async def test_while_the_queue_is_full_a_command_hears_busy_in_its_ack() -> None:
    work = LazyWork(in_flight=1, queued=0)
    services = SimpleNamespace(
        lazy_work=work, listener_context=dict, slack=None, slack_session=None
    )
    middleware = ProvideServices(services)  # type: ignore[arg-type]
    passed: list[str] = []

    async def next_() -> None:
        passed.append("next")

    url = "http://127.0.0.1:9/r"
    recognize = slash_command("/recognize", "<@U_BOB> x", user_id="U_ANA", response_url=url)
    cancel = block_action("recognition_cancel", "d1", user_id="U_ANA", response_url=url)
    command, click = (
        AsyncBoltRequest(body=recognize.decode()),
        AsyncBoltRequest(body=cancel.decode()),
    )
    async with work.slot():  # the only slot busy, no room to wait
        answer = await middleware.async_process(
            req=command, resp=BoltResponse(status=200), next=next_
        )
        assert answer is not None and "very busy" in json.loads(answer.body)["text"]
        assert passed == []  # nothing else ran for it
        await middleware.async_process(req=click, resp=BoltResponse(status=200), next=next_)
        assert passed == ["next"]  # a click goes on, and hears it from its listener
