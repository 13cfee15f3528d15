"""bot/runtime/tasks.py: every cancel ends in bounded time, even when the task loses it; and no code
cancels a task any other way."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from pathlib import Path

import pytest

from bot.runtime import tasks
from tests.unit.lost_cancel import GUARD, Deaf

ROOT = Path(__file__).resolve().parents[3]
GRACE = 0.1


async def test_stop_ends_a_task_that_lost_its_first_cancel() -> None:
    work = Deaf(lose=1)
    task = asyncio.create_task(work())
    await work.started.wait()
    async with asyncio.timeout(GUARD):
        still = await tasks.stop(task, grace=GRACE)
    assert still == set()
    assert task.cancelled()
    assert work.lost == 1


async def test_stop_gives_up_in_bounded_time_on_a_task_that_ignores_every_cancel(
    caplog: pytest.LogCaptureFixture,
) -> None:
    work = Deaf(lose=99, answer_after=0.3)
    task = asyncio.create_task(work(), name="deaf worker")
    await work.started.wait()
    began = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.runtime.tasks"):
        async with asyncio.timeout(GUARD):
            still = await tasks.stop(task, grace=GRACE)
    assert time.monotonic() - began < tasks.CANCELS * GRACE + 0.2
    assert still == {task}
    assert "deaf worker" in caplog.text
    async with asyncio.timeout(GUARD):
        await work.ended.wait()  # it ended by its own bound


async def test_stop_passes_on_a_failure_without_raising_it() -> None:
    async def fails() -> None:
        raise RuntimeError("boom")

    task = asyncio.create_task(fails())
    await asyncio.sleep(0)
    assert await tasks.stop(task) == set()


async def test_within_returns_the_result_or_times_out() -> None:
    assert await tasks.within(1.0, Deaf(result="ok", answer_after=0.01)()) == "ok"
    with pytest.raises(TimeoutError):
        await tasks.within(0.05, asyncio.sleep(10))


async def test_within_is_back_in_bounded_time_when_the_work_loses_its_cancel() -> None:
    """asyncio.timeout would wait for the work's next hour-long wait to end."""
    work = Deaf(lose=1)
    began = time.monotonic()
    async with asyncio.timeout(GUARD):
        with pytest.raises(TimeoutError):
            await tasks.within(0.05, work(), grace=GRACE)
    assert time.monotonic() - began < 0.05 + tasks.CANCELS * GRACE + 0.2
    assert work.lost == 1


async def test_within_keeps_the_result_of_work_that_finished_as_it_was_cut_off() -> None:
    """A cut-off attempt whose POST did complete must report it, not 'timed out'."""

    async def finishes_when_cancelled() -> str:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            return "sent"  # the answer arrived together with the cancel
        return "never"

    assert await tasks.within(0.05, finishes_when_cancelled(), grace=GRACE) == "sent"


async def test_a_cancelled_caller_stops_its_work_too() -> None:
    work = Deaf(lose=1)
    caller = asyncio.create_task(tasks.within(60, work(), grace=GRACE))
    await work.started.wait()
    caller.cancel()
    async with asyncio.timeout(GUARD):
        with pytest.raises(asyncio.CancelledError):
            await caller
        await work.ended.wait()


def test_no_code_cancels_a_task_except_through_bot_tasks() -> None:
    """asyncio.wait_for and asyncio.timeout are banned by ruff (pyproject.toml, TID251); a bare
    `.cancel()` can only be found by reading the code."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("bot", "handlers", "sandbox")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != ROOT / "bot" / "runtime" / "tasks.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.cancel\(\)", line) and "TimerHandle" not in line
    ]
    assert found == [], "cancel through bot.runtime.tasks.stop, which bounds the wait"
