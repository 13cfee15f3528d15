"""Retry-After: parsed in both forms, waited when it fits the budget, a clear message when not."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest

from bot.errors import ProviderUnavailable, RateLimited
from bot.platforms.answers import parse_retry_after
from bot.platforms.api import PlatformApi
from handlers.phrasing import wait_words
from handlers.words import said
from testkit.fakes.faults import http_date
from testkit.fakes.stub import FAST_LIMITS, ITEMS, StubPlatform

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC).timestamp()
ASKED = 0.3  # seconds a fake asks us to wait: small, but well above scheduling noise


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0.3", 0.3),
        ("0", 0.0),
        ("Sat, 01 Mar 2025 12:01:30 GMT", 90.0),
        ("Sat, 01 Mar 2025 12:01:30 -0000", 90.0),
        ("Sat, 01 Mar 2025 13:01:30 +0100", 90.0),
        ("Sat, 01 Mar 2025 11:59:00 GMT", 0.0),  # already past: go ahead
        (None, None),
        ("", None),
        ("-5", None),
        ("soon", None),
        ("1e9", None),
        ("Sat, 99 Mar 2025 25:00:00 GMT", None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(0.2, "1 second"), (30, "30 seconds"), (89, "89 seconds"), (120, "2 minutes"),
     (3599.2, "60 minutes"), (7200, "2 hours")],
)  # fmt: skip
def test_wait_words(seconds: float, words: str) -> None:
    assert wait_words(seconds) == words


@pytest.mark.parametrize("status", [429, 503])
async def test_a_wait_that_fits_the_budget_is_honoured(
    stub: StubPlatform, api: PlatformApi, status: int
) -> None:
    stub.fail_next(status, retry_after=ASKED)
    assert await api.call("GET", "/items", "tok") == ITEMS
    first, second = stub.times()
    assert second - first >= ASKED


async def test_the_asked_wait_replaces_the_backoff(
    stub: StubPlatform, http: httpx.AsyncClient
) -> None:
    slow = replace(FAST_LIMITS, backoff_initial=5.0, backoff_max=5.0, retry_budget=2.0)
    stub.fail_next(503, retry_after=ASKED)
    assert await PlatformApi(http, stub.base_url, "Acme", limits=slow).call("GET", "/items", "t")
    first, second = stub.times()
    assert ASKED <= second - first < 5.0


async def test_a_date_already_past_means_try_again_now(
    stub: StubPlatform, api: PlatformApi
) -> None:
    stub.fail_next(503, retry_after=http_date(-30))
    assert await api.call("GET", "/items", "tok") == ITEMS
    assert stub.count("GET", "/items") == 2


@pytest.mark.parametrize(
    ("seconds", "as_date", "says"),
    [(30.0, False, "asked us to wait 30 seconds"), (3600.0, True, "asked us to wait 60 minutes")],
)
async def test_a_wait_beyond_the_budget_is_a_clear_message_at_once(
    stub: StubPlatform, api: PlatformApi, seconds: float, as_date: bool, says: str
) -> None:
    stub.fail_next(429, retry_after=http_date(seconds) if as_date else seconds)
    started = time.monotonic()
    with pytest.raises(RateLimited) as raised:
        await api.call("GET", "/items", "tok")
    assert time.monotonic() - started < FAST_LIMITS.retry_budget  # it did not wait
    assert stub.count("GET", "/items") == 1
    assert f"Acme is busy and {says}. Please try again after that." == said(raised.value)
    assert raised.value.retry_after == pytest.approx(seconds, abs=2.0)
    assert not raised.value.may_have_landed


async def test_busy_until_the_budget_runs_out(stub: StubPlatform, api: PlatformApi) -> None:
    stub.fail_next(503, times=20)
    with pytest.raises(ProviderUnavailable) as raised:
        await api.call("GET", "/items", "tok")
    assert said(raised.value) == "Acme isn't answering right now. Please try again shortly."
    assert stub.count("GET", "/items") == FAST_LIMITS.attempts


async def test_a_429_without_retry_after_backs_off_then_says_busy(
    stub: StubPlatform, api: PlatformApi
) -> None:
    stub.fail_next(429, times=20)
    with pytest.raises(RateLimited) as raised:
        await api.call("GET", "/items", "tok")
    assert raised.value.retry_after is None and "busy right now" in said(raised.value)
