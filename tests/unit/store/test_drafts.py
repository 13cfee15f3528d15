"""`store.drafts`: previews kept for their owner, claimed once."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from bot.store import Store
from tests.unit.store.records import DRAFT


async def test_draft_round_trip_and_ttl(store: Store, raw: Redis) -> None:
    await store.drafts.put(DRAFT)
    assert await store.drafts.get("T1", "U1", "d1") == DRAFT
    (key,) = [key async for key in raw.scan_iter()]
    assert await raw.ttl(key) > 0


@pytest.mark.parametrize(("team", "user"), [("T1", "U2"), ("T2", "U1"), ("T2", "U2")])
async def test_drafts_are_owner_scoped(store: Store, team: str, user: str) -> None:
    await store.drafts.put(DRAFT)
    assert await store.drafts.get(team, user, "d1") is None
    assert await store.drafts.take(team, user, "d1") is None
    assert await store.drafts.take("T1", "U1", "d1") == DRAFT  # still there for its owner


async def test_take_draft_is_claimed_once_under_concurrency(store: Store) -> None:
    await store.drafts.put(DRAFT)
    results = await asyncio.gather(*(store.drafts.take("T1", "U1", "d1") for _ in range(20)))
    assert [result for result in results if result is not None] == [DRAFT]
