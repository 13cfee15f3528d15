"""bot/platforms/api.py against a loopback platform that fails on demand: retries, honesty, typed
errors."""

from __future__ import annotations

import time
from dataclasses import replace

import httpx
import pytest

from bot.errors import (
    ProviderError,
    ProviderUnavailable,
    RateLimited,
)
from bot.platforms.api import PlatformApi
from bot.platforms.providers.sevengeese import SevenGeese
from handlers.words import said
from testkit.fakes.stub import FAST_LIMITS, ITEMS, StubPlatform
from testkit.support import async_wait_until, free_port
from tests.unit.stub_api import TOKEN, create

FAST = FAST_LIMITS
HANG = 1.0  # seconds: outlasts FAST's read timeout several times over


# ---- reads are retried -----------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 502, 503, 504])
async def test_a_read_is_retried_after_busy_or_gateway_answers(
    stub: StubPlatform, api: PlatformApi, status: int
) -> None:
    stub.fail_next(status, times=2)
    assert await api.call("GET", "/items", TOKEN) == ITEMS
    assert stub.count("GET", "/items") == 3


async def test_a_read_is_retried_after_a_reset(stub: StubPlatform, api: PlatformApi) -> None:
    stub.reset_next()
    assert await api.call("GET", "/items", TOKEN) == ITEMS
    assert stub.count("GET", "/items") == 2


async def test_a_read_is_retried_after_a_hang_without_waiting_for_it(
    stub: StubPlatform, api: PlatformApi
) -> None:
    stub.hang_next(HANG)
    assert await api.call("GET", "/items", TOKEN) == ITEMS
    first, second = stub.times()
    assert second - first < HANG  # the read timeout ended the first attempt, not the answer


async def test_a_read_is_not_retried_after_a_plain_500(
    stub: StubPlatform, api: PlatformApi
) -> None:
    stub.fail_next(500)
    with pytest.raises(ProviderUnavailable):
        await api.call("GET", "/items", TOKEN)
    assert stub.count("GET", "/items") == 1


async def test_the_total_deadline_bounds_every_attempt_together(
    stub: StubPlatform, http: httpx.AsyncClient
) -> None:
    limits = replace(FAST, total=0.8, retry_budget=30.0, attempts=50)
    stub.hang_next(HANG, times=50)
    api = PlatformApi(http, stub.base_url, "Acme", limits=limits)
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable):
        await api.call("GET", "/items", TOKEN)
    assert time.monotonic() - started < HANG
    assert stub.count("GET", "/items") >= 2


async def test_a_graphql_read_is_marked_idempotent_and_retried(
    stub: StubPlatform, api: PlatformApi
) -> None:
    stub.fail_next(503, path="/graphql")
    values = await SevenGeese(api).list_values(TOKEN)
    assert [value.name for value in values] == ["Teamwork"]
    assert stub.count("POST", "/graphql") == 2


# ---- a create is never sent twice ------------------------------------------------------


async def test_a_create_is_not_retried_after_a_reset(stub: StubPlatform, api: PlatformApi) -> None:
    stub.reset_next(method="POST")
    with pytest.raises(ProviderUnavailable) as raised:
        await create(api)
    assert raised.value.may_have_landed
    assert "can't tell yet whether it went through" in said(raised.value)
    assert stub.count("POST", "/things") == 1


async def test_a_create_that_hangs_is_not_retried_and_may_land_after_all(
    stub: StubPlatform, api: PlatformApi
) -> None:
    stub.hang_next(HANG, method="POST")
    with pytest.raises(ProviderUnavailable) as raised:
        await create(api)
    assert raised.value.may_have_landed
    await async_wait_until(lambda: stub.created)  # the platform did it, after we stopped waiting
    assert stub.count("POST", "/things") == 1


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_a_create_failing_upstream_is_not_retried_and_may_have_landed(
    stub: StubPlatform, api: PlatformApi, status: int
) -> None:
    stub.fail_next(status, method="POST")
    with pytest.raises(ProviderUnavailable) as raised:
        await create(api)
    assert raised.value.may_have_landed and stub.count("POST", "/things") == 1


@pytest.mark.parametrize("status", [429, 503])
async def test_a_create_turned_away_is_not_retried_and_nothing_landed(
    stub: StubPlatform, api: PlatformApi, status: int
) -> None:
    stub.fail_next(status, retry_after=0.2, method="POST")
    with pytest.raises(ProviderUnavailable) as raised:
        await create(api)
    assert not raised.value.may_have_landed and stub.count("POST", "/things") == 1
    assert isinstance(raised.value, RateLimited) and raised.value.retry_after == 0.2


async def test_a_refused_create_is_a_provider_error(stub: StubPlatform, api: PlatformApi) -> None:
    stub.fail_next(400, method="POST")
    with pytest.raises(ProviderError) as raised:
        await create(api)
    assert "refused the request (400). Nothing was sent." in said(raised.value)


async def test_a_create_is_sent_again_only_when_no_connection_opened(
    http: httpx.AsyncClient,
) -> None:
    api = PlatformApi(http, f"http://127.0.0.1:{free_port()}", "Acme", limits=FAST)
    with pytest.raises(ProviderUnavailable) as raised:
        await create(api)
    assert not raised.value.may_have_landed
    assert said(raised.value) == "Acme isn't answering right now. Please try again shortly."
