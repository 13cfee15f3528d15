"""Unit-test fixtures: a loopback stub platform and a PlatformApi on it (platform calls)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from bot.api import PlatformApi
from tests.fakes.stub import FAST_LIMITS, StubPlatform, loopback_client


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
