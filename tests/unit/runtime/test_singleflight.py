"""bot/runtime/singleflight.py: concurrent callers of one key share one call."""

from __future__ import annotations

import asyncio

import pytest

from bot.runtime.singleflight import SingleFlight


class Counted:
    """A slow call that counts how often it really ran."""

    def __init__(self, result: str = "done", error: Exception | None = None) -> None:
        self.calls, self.result, self.error = 0, result, error
        self.release = asyncio.Event()

    async def __call__(self) -> str:
        self.calls += 1
        await self.release.wait()
        if self.error is not None:
            raise self.error
        return self.result


async def test_concurrent_callers_of_one_key_share_one_call() -> None:
    flight: SingleFlight[str, str] = SingleFlight()
    call = Counted()
    waiting = [asyncio.ensure_future(flight.run("bob", call)) for _ in range(50)]
    await asyncio.sleep(0)
    call.release.set()
    assert await asyncio.gather(*waiting) == ["done"] * 50
    assert call.calls == 1


async def test_other_keys_and_later_calls_run_again() -> None:
    flight: SingleFlight[str, str] = SingleFlight()
    bob, carl = Counted("bob"), Counted("carl")
    bob.release.set()
    carl.release.set()
    both = await asyncio.gather(flight.run("bob", bob), flight.run("carl", carl))
    assert list(both) == ["bob", "carl"]
    assert await flight.run("bob", bob) == "bob"
    assert (bob.calls, carl.calls) == (2, 1)


async def test_a_failure_reaches_every_waiter_and_is_not_kept() -> None:
    flight: SingleFlight[str, str] = SingleFlight()
    failing = Counted(error=LookupError("not found"))
    waiting = [asyncio.ensure_future(flight.run("bob", failing)) for _ in range(3)]
    await asyncio.sleep(0)
    failing.release.set()
    results = await asyncio.gather(*waiting, return_exceptions=True)
    assert all(isinstance(result, LookupError) for result in results)
    working = Counted("found")
    working.release.set()
    assert await flight.run("bob", working) == "found"


async def test_a_caller_giving_up_does_not_cancel_the_others() -> None:
    flight: SingleFlight[str, str] = SingleFlight()
    call = Counted()
    impatient = asyncio.ensure_future(flight.run("bob", call))
    patient = asyncio.ensure_future(flight.run("bob", call))
    await asyncio.sleep(0)
    impatient.cancel()
    call.release.set()
    assert await patient == "done"
    with pytest.raises(asyncio.CancelledError):
        await impatient
