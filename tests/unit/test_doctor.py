"""The doctor's runner: each check is bounded in time, and what it cannot tell is `?`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot import doctor
from bot.doctor import redis_checks
from bot.doctor.result import Check, NotChecked, Result, Status, passed
from bot.errors import StoreUnavailable
from bot.services import Services, build_services
from bot.settings import Settings


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    """The embedded store: no REDIS_URL."""
    built = build_services(Settings.model_validate({"slack_bot_token": "xoxb-1"}))
    yield built
    await built.aclose()


async def slow(services: Services) -> Result:
    await asyncio.sleep(10)
    return passed("never")


async def cannot_tell(services: Services) -> Result:
    raise NotChecked("could not check: no way to see it", "look by hand")


async def redis_away(services: Services) -> Result:
    raise StoreUnavailable()


async def test_a_check_that_hangs_fails_after_its_time_limit(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doctor, "CHECK_TIMEOUT", 0.05)
    result = await doctor.outcome(Check("Slow", slow), services)
    assert (result.status, result.found) == (Status.FAILED, "no answer within 0.05 s")


async def test_what_a_check_cannot_tell_is_unknown(services: Services) -> None:
    told = await doctor.outcome(Check("Odd", cannot_tell), services)
    assert (
        Check("Odd", cannot_tell).line(told)
        == "? Odd: could not check: no way to see it → look by hand"
    )
    away = await doctor.outcome(Check("Redis thing", redis_away), services)
    assert (away.status, away.found) == (Status.UNKNOWN, "not checked: Redis did not answer")


async def test_the_embedded_store_fails_the_redis_check_and_skips_the_rest(
    services: Services,
) -> None:
    results = [await doctor.outcome(check, services) for check in redis_checks.CHECKS]
    assert [r.status for r in results] == [Status.FAILED] + [Status.UNKNOWN] * 3
    assert "neither REDIS_URL nor REDIS_SENTINELS is set" in results[0].found


def test_summary_counts_failures_and_unknowns() -> None:
    ok, unknown = passed("fine"), Result(Status.UNKNOWN, "?")
    bad = Result(Status.FAILED, "broken", "fix it")
    assert doctor.summary([ok, ok]) == "2 of 2 checks passed."
    assert doctor.summary([ok, unknown]) == "1 of 2 checks passed; 1 could not be checked (?)."
    assert doctor.summary([ok, bad, unknown]) == (
        "1 of 3 checks failed (✗); 1 could not be checked (?)."
    )
