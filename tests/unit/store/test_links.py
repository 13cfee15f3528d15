"""`store.links` against a real redis-server: OAuth states, sealed links, app-level tokens."""

from __future__ import annotations

import time

import pytest
from redis.asyncio import Redis

from bot.errors import TokenUnreadable
from bot.models import Owner, TokenSet
from bot.store import STATE_TTL, UNCONFIRMED_TTL, Store
from tests.unit.store.records import LINK, OWNER, PENDING, STATE, everything


async def test_state_is_single_use(store: Store) -> None:
    await store.links.put_state(STATE, PENDING)
    assert await store.links.take_state(STATE) == PENDING
    assert await store.links.take_state(STATE) is None
    assert await store.links.take_state("never-issued") is None


async def test_state_expires_and_is_stored_as_a_digest(store: Store, raw: Redis) -> None:
    await store.links.put_state(STATE, PENDING)
    (key,) = [key async for key in raw.scan_iter()]
    assert 0 < await raw.ttl(key) <= min(STATE_TTL, 600)
    assert STATE.encode() not in key
    assert STATE.encode() not in await raw.get(key)


async def test_link_round_trip_and_delete(store: Store) -> None:
    await store.links.save(OWNER, LINK)
    assert await store.links.load(OWNER) == LINK
    assert await store.links.load(Owner("T1", "U2", "achievers")) is None
    assert await store.links.delete(OWNER) is True
    assert await store.links.delete(OWNER) is False
    assert await store.links.load(OWNER) is None


async def test_a_link_awaiting_confirmation_expires_an_active_one_does_not(
    store: Store, raw: Redis
) -> None:
    await store.links.save(OWNER, LINK.model_copy(update={"confirmed": False}))
    [key] = [k async for k in raw.scan_iter("kb:link:*")]
    assert 0 < await raw.ttl(key) <= UNCONFIRMED_TTL
    await store.links.save(OWNER, LINK)  # confirmed: kept until unlinked
    assert await raw.ttl(key) == -1


async def test_compare_and_set_only_replaces_what_was_read(store: Store) -> None:
    await store.links.save(OWNER, LINK)
    loaded = await store.links.load_version(OWNER)
    assert loaded is not None
    blob, link = loaded
    newer = link.model_copy(update={"confirmed": True, "linked_at": 1.0})
    assert await store.links.swap(OWNER, blob, newer) is True
    assert await store.links.swap(OWNER, blob, link) is False  # stale: someone wrote since
    assert await store.links.load(OWNER) == newer


async def test_swap_keeps_the_ttl(store: Store, raw: Redis) -> None:
    pending = LINK.model_copy(update={"confirmed": False})
    await store.links.save(OWNER, pending)
    loaded = await store.links.load_version(OWNER)
    assert loaded is not None
    assert await store.links.swap(OWNER, loaded[0], pending.model_copy(update={"linked_at": 1.0}))
    [key] = [k async for k in raw.scan_iter("kb:link:*")]
    assert 0 < await raw.ttl(key) <= UNCONFIRMED_TTL


async def test_no_plaintext_token_in_redis(store: Store, raw: Redis) -> None:
    await store.links.save(OWNER, LINK)
    await store.links.put_state(STATE, PENDING)
    stored = await everything(raw)
    assert len(stored) == 2
    for key, value in stored.items():
        for secret in (b"AT-plaintext", b"RT-plaintext", b"ana@example.com"):
            assert secret not in key
            assert secret not in value


async def test_link_sealed_for_one_owner_cannot_open_as_another(store: Store, raw: Redis) -> None:
    other = Owner("T1", "U2", "achievers")
    await store.links.save(OWNER, LINK)
    before = await everything(raw)
    await store.links.save(other, LINK.model_copy(update={"linked_at": 1.0}))
    (other_key,) = set(await everything(raw)) - set(before)
    (ana_blob,) = before.values()
    await raw.set(other_key, ana_blob)  # someone copies Ana's record under another user's key
    with pytest.raises(TokenUnreadable):
        await store.links.load(other)


@pytest.mark.parametrize("left", [-60.0, 0.4], ids=["expired", "under-a-second"])
async def test_an_app_token_already_expired_is_not_kept(
    store: Store, raw: Redis, left: float
) -> None:
    await store.links.save_app_token(
        "cultureamp", TokenSet(access_token="old", expires_at=time.time() + 600)
    )
    token = TokenSet(access_token="at", expires_at=time.time() + left)
    await store.links.save_app_token("cultureamp", token)  # refused by Redis before: ex <= 0
    assert await store.links.load_app_token("cultureamp") is None
    assert [k async for k in raw.scan_iter()] == []


async def test_an_app_token_lives_until_it_expires(store: Store, raw: Redis) -> None:
    await store.links.save_app_token(
        "cultureamp", TokenSet(access_token="at", expires_at=time.time() + 600)
    )
    [key] = [k async for k in raw.scan_iter()]
    assert 590 <= await raw.ttl(key) <= 600
