"""Unit-test fixtures: a loopback stub platform and a PlatformApi on it (platform calls); a
Store on the test Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from cryptography.fernet import Fernet
from redis.asyncio import Redis

from bot.accounts.crypto import TokenCipher
from bot.platforms.api import PlatformApi
from bot.store import Store
from testkit.fakes.stub import FAST_LIMITS, StubPlatform, loopback_client


@pytest.fixture(scope="module")
def served() -> Iterator[StubPlatform]:
    stub = StubPlatform()
    with stub.serving():
        yield stub


@pytest.fixture
def stub(served: StubPlatform) -> StubPlatform:
    served.reset()
    return served


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with loopback_client() as client:
        yield client


@pytest.fixture
def api(stub: StubPlatform, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(http, stub.base_url, "Acme", scope="read write", limits=FAST_LIMITS)


@pytest.fixture
async def raw(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def store(raw: Redis) -> Store:
    return Store(raw, TokenCipher([Fernet(Fernet.generate_key())]))
