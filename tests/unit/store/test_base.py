"""The shared base every aggregate goes through: a Redis that is down is `StoreUnavailable`."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from redis.asyncio import Redis

from bot.accounts.crypto import TokenCipher
from bot.errors import StoreBusy, StoreUnavailable
from bot.store import Store
from bot.store.base import RedisBase
from handlers.words import said
from testkit.support import free_port
from tests.unit.store.records import DRAFT, LINK, OWNER, PENDING, STATE

StoreCall = Callable[[Store], Awaitable[object]]
CALLS: dict[str, StoreCall] = {  # at least one call of every aggregate
    "links.put_state": lambda s: s.links.put_state(STATE, PENDING),
    "links.take_state": lambda s: s.links.take_state(STATE),
    "links.save": lambda s: s.links.save(OWNER, LINK),
    "links.load": lambda s: s.links.load(OWNER),
    "links.delete": lambda s: s.links.delete(OWNER),
    "links.save_app_token": lambda s: s.links.save_app_token("cultureamp", LINK.token),
    "links.load_app_token": lambda s: s.links.load_app_token("cultureamp"),
    "sealed.rotate": lambda s: s.sealed.rotate(),
    "drafts.put": lambda s: s.drafts.put(DRAFT),
    "drafts.get": lambda s: s.drafts.get("T1", "U1", "d1"),
    "drafts.take": lambda s: s.drafts.take("T1", "U1", "d1"),
    "events.first_delivery": lambda s: s.events.first_delivery("Ev1"),
    "directories.get": lambda s: s.directories.get("cultureamp", "ana@example.com"),
    "intents.load": lambda s: s.intents.load("i1"),
    "outbox.next": lambda s: s.outbox.next("c1", 60_000, 10),
    "installs.load": lambda s: s.installs.load("T1"),
    "steps.claim": lambda s: s.steps.claim("Fx1"),
    "cache.lookups": lambda s: s.cache.lookups(OWNER, ["U2"]),
    "stats.read": lambda s: s.stats.read(["achievers"], []),
}


@pytest.fixture
async def down_store() -> AsyncIterator[Store]:
    """A store whose Redis port has nothing listening."""
    client = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    yield Store(client, TokenCipher.ephemeral())
    await client.aclose()


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
async def test_redis_down_is_store_unavailable(down_store: Store, call: StoreCall) -> None:
    with pytest.raises(StoreUnavailable):
        await call(down_store)


async def test_ping(store: Store, down_store: Store) -> None:
    assert await store.ping() is True
    assert await down_store.ping() is False


async def test_a_timeout_with_no_answer_to_go_by_is_busy_while_redis_answers_ping(
    redis_url: str,
) -> None:
    """An overload can starve the loop until a reply reads as a timeout before any other command
    was answered (work held behind the acks): Redis answering a PING makes that busy."""
    client = Redis.from_url(redis_url, socket_timeout=0.1)
    base = RedisBase(client, TokenCipher.ephemeral())
    try:
        with pytest.raises(StoreBusy) as busy:
            await base.call(client.blpop(["kb:test:nothing"], timeout=1))
        assert "temporarily unavailable" not in said(busy.value)
    finally:
        await client.aclose()


async def test_a_redis_that_accepts_but_never_answers_is_unavailable() -> None:
    """Frozen (the kernel accepts, nothing answers): the command and the PING both time out."""
    with socket.create_server(("127.0.0.1", 0)) as frozen:
        port = frozen.getsockname()[1]
        client = Redis.from_url(f"redis://127.0.0.1:{port}/0", socket_timeout=0.1)
        base = RedisBase(client, TokenCipher.ephemeral())
        try:
            with pytest.raises(StoreUnavailable) as down:
                await base.call(client.get("kb:test:anything"))
            assert not isinstance(down.value, StoreBusy)
        finally:
            await client.aclose()
