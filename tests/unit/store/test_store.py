"""bot/store.py against a real redis-server (the `redis_url` fixture)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from cryptography.fernet import Fernet
from redis.asyncio import Redis

from bot.accounts.crypto import TokenCipher
from bot.errors import StoreUnavailable, TokenUnreadable
from bot.models import Draft, Link, Owner, PendingLink, Person, Recipient, TokenSet
from bot.store import STATE_TTL, UNCONFIRMED_TTL, Store
from testkit.support import free_port

OWNER = Owner("T1", "U1", "achievers")
STATE = "raw-state-value-0123456789abcdef"
PENDING = PendingLink(team_id="T1", user_id="U1", provider="achievers", code_verifier="v" * 50)
LINK = Link(
    account=Person(id="1001", name="Ana Lopez", email="ana@example.com"),
    token=TokenSet(access_token="AT-plaintext-SECRET", refresh_token="RT-plaintext-SECRET"),
)
DRAFT = Draft(
    id="d1",
    team_id="T1",
    user_id="U1",
    provider="achievers",
    channel_id="C1",
    recipients=[Recipient(slack_id="U2", name="Bob", person_id="1002")],
    message="for the release",
)


async def everything(raw: Redis) -> dict[bytes, bytes]:
    """Every string key in the database with its value (the sets counting links hold owner
    keys only; the canary test reads every type)."""
    return {key: await raw.get(key) async for key in raw.scan_iter(_type="string")}


async def test_state_is_single_use(store: Store) -> None:
    await store.put_state(STATE, PENDING)
    assert await store.take_state(STATE) == PENDING
    assert await store.take_state(STATE) is None
    assert await store.take_state("never-issued") is None


async def test_state_expires_and_is_stored_as_a_digest(store: Store, raw: Redis) -> None:
    await store.put_state(STATE, PENDING)
    (key,) = [key async for key in raw.scan_iter()]
    assert 0 < await raw.ttl(key) <= min(STATE_TTL, 600)
    assert STATE.encode() not in key
    assert STATE.encode() not in await raw.get(key)


async def test_link_round_trip_and_delete(store: Store) -> None:
    await store.save_link(OWNER, LINK)
    assert await store.load_link(OWNER) == LINK
    assert await store.load_link(Owner("T1", "U2", "achievers")) is None
    assert await store.delete_link(OWNER) is True
    assert await store.delete_link(OWNER) is False
    assert await store.load_link(OWNER) is None


async def test_a_link_awaiting_confirmation_expires_an_active_one_does_not(
    store: Store, raw: Redis
) -> None:
    await store.save_link(OWNER, LINK.model_copy(update={"confirmed": False}))
    [key] = [k async for k in raw.scan_iter("kb:link:*")]
    assert 0 < await raw.ttl(key) <= UNCONFIRMED_TTL
    await store.save_link(OWNER, LINK)  # confirmed: kept until unlinked
    assert await raw.ttl(key) == -1


async def test_compare_and_set_only_replaces_what_was_read(store: Store) -> None:
    await store.save_link(OWNER, LINK)
    loaded = await store.load_link_version(OWNER)
    assert loaded is not None
    blob, link = loaded
    newer = link.model_copy(update={"confirmed": True, "linked_at": 1.0})
    assert await store.swap_link(OWNER, blob, newer) is True
    assert await store.swap_link(OWNER, blob, link) is False  # stale: someone wrote since
    assert await store.load_link(OWNER) == newer


async def test_no_plaintext_token_in_redis(store: Store, raw: Redis) -> None:
    await store.save_link(OWNER, LINK)
    await store.put_state(STATE, PENDING)
    stored = await everything(raw)
    assert len(stored) == 2
    for key, value in stored.items():
        for secret in (b"AT-plaintext", b"RT-plaintext", b"ana@example.com"):
            assert secret not in key
            assert secret not in value


async def test_link_sealed_for_one_owner_cannot_open_as_another(store: Store, raw: Redis) -> None:
    other = Owner("T1", "U2", "achievers")
    await store.save_link(OWNER, LINK)
    before = await everything(raw)
    await store.save_link(other, LINK.model_copy(update={"linked_at": 1.0}))
    (other_key,) = set(await everything(raw)) - set(before)
    (ana_blob,) = before.values()
    await raw.set(other_key, ana_blob)  # someone copies Ana's record under another user's key
    with pytest.raises(TokenUnreadable):
        await store.load_link(other)


async def test_draft_round_trip_and_ttl(store: Store, raw: Redis) -> None:
    await store.put_draft(DRAFT)
    assert await store.get_draft("T1", "U1", "d1") == DRAFT
    (key,) = [key async for key in raw.scan_iter()]
    assert await raw.ttl(key) > 0


@pytest.mark.parametrize(("team", "user"), [("T1", "U2"), ("T2", "U1"), ("T2", "U2")])
async def test_drafts_are_owner_scoped(store: Store, team: str, user: str) -> None:
    await store.put_draft(DRAFT)
    assert await store.get_draft(team, user, "d1") is None
    assert await store.take_draft(team, user, "d1") is None
    assert await store.take_draft("T1", "U1", "d1") == DRAFT  # still there for its owner


async def test_take_draft_is_claimed_once_under_concurrency(store: Store) -> None:
    await store.put_draft(DRAFT)
    results = await asyncio.gather(*(store.take_draft("T1", "U1", "d1") for _ in range(20)))
    assert [result for result in results if result is not None] == [DRAFT]


StoreCall = Callable[[Store], Awaitable[object]]
CALLS: dict[str, StoreCall] = {
    "put_state": lambda s: s.put_state(STATE, PENDING),
    "take_state": lambda s: s.take_state(STATE),
    "save_link": lambda s: s.save_link(OWNER, LINK),
    "load_link": lambda s: s.load_link(OWNER),
    "delete_link": lambda s: s.delete_link(OWNER),
    "put_draft": lambda s: s.put_draft(DRAFT),
    "get_draft": lambda s: s.get_draft("T1", "U1", "d1"),
    "take_draft": lambda s: s.take_draft("T1", "U1", "d1"),
    "save_app_token": lambda s: s.save_app_token("cultureamp", LINK.token),
    "load_app_token": lambda s: s.load_app_token("cultureamp"),
    "rotate_tokens": lambda s: s.rotate_tokens(),
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


def cipher_of(*keys: bytes) -> TokenCipher:
    return TokenCipher([Fernet(key) for key in keys])


async def test_rotation_keeps_a_pending_links_expiry(raw: Redis) -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    before = Store(raw, cipher_of(old))
    await before.save_link(OWNER, LINK.model_copy(update={"confirmed": False}))
    await before.save_link(Owner("T1", "U2", "achievers"), LINK)
    assert await Store(raw, cipher_of(new, old)).rotate_tokens() == (2, 0)
    ttls = sorted([await raw.ttl(key) async for key in raw.scan_iter("kb:link:*")])
    assert ttls[0] == -1 and 0 < ttls[1] <= UNCONFIRMED_TTL  # active kept; pending still expires
    after = Store(raw, cipher_of(new))  # the old key can retire
    assert await after.load_link(OWNER) == LINK.model_copy(update={"confirmed": False})


async def test_swap_keeps_the_ttl(store: Store, raw: Redis) -> None:
    pending = LINK.model_copy(update={"confirmed": False})
    await store.save_link(OWNER, pending)
    loaded = await store.load_link_version(OWNER)
    assert loaded is not None
    assert await store.swap_link(OWNER, loaded[0], pending.model_copy(update={"linked_at": 1.0}))
    [key] = [k async for k in raw.scan_iter("kb:link:*")]
    assert 0 < await raw.ttl(key) <= UNCONFIRMED_TTL


@pytest.mark.parametrize("left", [-60.0, 0.4], ids=["expired", "under-a-second"])
async def test_an_app_token_already_expired_is_not_kept(
    store: Store, raw: Redis, left: float
) -> None:
    await store.save_app_token(
        "cultureamp", TokenSet(access_token="old", expires_at=time.time() + 600)
    )
    token = TokenSet(access_token="at", expires_at=time.time() + left)
    await store.save_app_token("cultureamp", token)  # refused by Redis before: ex <= 0
    assert await store.load_app_token("cultureamp") is None
    assert [k async for k in raw.scan_iter()] == []


async def test_an_app_token_lives_until_it_expires(store: Store, raw: Redis) -> None:
    await store.save_app_token(
        "cultureamp", TokenSet(access_token="at", expires_at=time.time() + 600)
    )
    [key] = [k async for k in raw.scan_iter()]
    assert 590 <= await raw.ttl(key) <= 600
