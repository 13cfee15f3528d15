"""Stopping tasks and cutting work off in bounded time, whatever the task does with a cancel.

On Python 3.11 a cancellation can be lost: `asyncio.wait_for` (which redis-py sends every command
through) returns its inner result instead of raising when the cancel lands as that result arrives
(CPython gh-86296, fixed in 3.12), and `asyncio.timeout` relies on the same cancel. So nothing here
awaits a cancelled task without a bound: `stop` cancels, waits at most `grace`, cancels again,
waits again, then logs the task and returns; `within` is a deadline built on it. Every cancel in
bot/, handlers/ and sandbox/ goes through this module (tests/unit/runtime/test_tasks.py checks
the code)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
GRACE = 1.0  # seconds a cancelled task may take to end, per cancel
CANCELS = 2  # a lost cancel is lost once: the second one lands at the task's next await


async def stop(*tasks: asyncio.Future[Any], grace: float = GRACE) -> set[asyncio.Future[Any]]:
    """Cancel `tasks` and wait for them, at most CANCELS × `grace` in all. Returns those still
    running (logged): they are left to end by their own bounds. Their failures are consumed."""
    running = {task for task in tasks if not task.done()}
    for _ in range(CANCELS):
        if not running:
            break
        for task in running:
            task.cancel()
        try:
            _, running = await asyncio.wait(running, timeout=grace)
        except asyncio.CancelledError:  # the caller is stopped too: pass it on, cancel once more
            for task in running:
                task.cancel()
            raise
    for task in tasks:
        task.add_done_callback(_consume)
    for task in running:
        log.warning("a task ignored %d cancellations and still runs: %s", CANCELS, _name(task))
    return running


async def within(seconds: float, work: Awaitable[T], grace: float = GRACE) -> T:
    """`work`'s result, or TimeoutError after `seconds`. Unlike `asyncio.timeout`, the caller is
    back within `seconds` plus `stop`'s bound even if the work loses its cancellation. Work that
    finished as it was cut off keeps its result (or error)."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.wait({task}, timeout=max(seconds, 0.0))
    except asyncio.CancelledError:
        await stop(task, grace=grace)
        raise
    if not task.done():
        await stop(task, grace=grace)
    if task.done() and not task.cancelled():
        return task.result()
    raise TimeoutError()


def _consume(task: asyncio.Future[Any]) -> None:
    """Mark a stopped task's outcome as seen (asyncio logs unretrieved task exceptions)."""
    if not task.cancelled():
        task.exception()


def _name(task: asyncio.Future[Any]) -> str:
    return task.get_name() if isinstance(task, asyncio.Task) else type(task).__name__
