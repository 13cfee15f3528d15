"""Acks first: while more than AHEAD requests wait for their answer, work after acks starts no
new item beyond its floor; once they are answered it starts again by steps, doubling, and the
floor keeps it going under load that never lets up (bot/runtime/acks_first.py, lazy_work.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.types import Message, Scope

from bot.app import build_app
from bot.runtime.acks_first import AHEAD, CountPendingAcks, PendingAcks
from bot.runtime.lazy_work import FLOOR, LazyWork
from bot.services import build_services
from testkit.support import sign, slash_command
from tests.unit.recognition.test_lost_cancels import a_settings

SETTLE = 20  # event-loop turns given to work that must not start (ordering, never time)


async def turns(count: int = SETTLE) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def nothing() -> Message:
    return {"type": "http.disconnect"}


async def nothing_sent(message: Message) -> None:
    """A response that is never started: the request fails first."""


def hold_acks(acks: PendingAcks, count: int) -> None:
    for _ in range(count):
        acks.arrived()


class Items:
    """Lazy items on a LazyWork with a floor of one: each records its start, then waits."""

    def __init__(self) -> None:
        self.work, self.started = LazyWork(in_flight=8, queued=8, floor=1), list[int]()
        self.release = asyncio.Event()

    def start(self, n: int) -> asyncio.Task[None]:
        return asyncio.create_task(self._item(n))

    async def _item(self, n: int) -> None:
        async with self.work.slot():
            self.started.append(n)
            await self.release.wait()


async def test_an_item_past_the_floor_waits_until_pending_acks_are_answered() -> None:
    items = Items()
    first = items.start(0)
    await turns()
    hold_acks(items.work.acks, AHEAD + 1)  # a burst arrives
    later = [items.start(n) for n in (1, 2)]
    await turns()
    assert items.started == [0]  # the floor runs; nothing new starts while the acks wait
    items.work.acks.answered()  # AHEAD still pending: few enough
    await turns()
    assert items.started == [0, 1]  # by steps: as many again as run (a next wave may be coming)
    items.release.set()
    await asyncio.gather(first, *later)
    assert items.started == [0, 1, 2]  # each that ends while acks are few starts two


async def test_while_acks_stay_few_what_runs_doubles_back_up_to_the_slots() -> None:
    work, ends = LazyWork(in_flight=16, queued=16, floor=1), asyncio.Event()
    started: list[int] = []

    async def item(n: int) -> None:
        async with work.slot():
            started.append(n)
            if n == 0:
                await ends.wait()
            else:
                await asyncio.Event().wait()  # holds its place until cancelled

    hold_acks(work.acks, AHEAD + 1)
    tasks = [asyncio.create_task(item(n)) for n in range(8)]
    await turns()
    assert started == [0]  # the floor alone while the acks are pending
    for _ in range(AHEAD + 1):
        work.acks.answered()
    await turns()
    assert started == [0, 1]
    ends.set()  # item 0 ends while acks are few: two more start in its place
    await turns()
    assert started == [0, 1, 2, 3]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_under_load_that_never_lets_up_the_floor_still_runs_every_item() -> None:
    work, running, most = LazyWork(in_flight=8, queued=8, floor=2), 0, 0
    hold_acks(work.acks, AHEAD + 100)  # never answered during the test
    steps = asyncio.Event()

    async def item() -> None:
        nonlocal running, most
        async with work.slot():
            running += 1
            most = max(most, running)
            await steps.wait()
            running -= 1

    items = [asyncio.create_task(item()) for _ in range(6)]
    await turns()
    assert running == 2  # the floor, not the 8 slots
    steps.set()
    await asyncio.gather(*items)  # all six ran, two at a time
    assert most == 2 and work.running == 0


async def test_an_item_cancelled_while_held_back_takes_no_place() -> None:
    items = Items()
    first = items.start(0)
    await turns()
    hold_acks(items.work.acks, AHEAD + 1)
    held, later = items.start(1), items.start(2)
    await turns()
    held.cancel()
    await turns()
    assert held.cancelled() and items.work.running == 1
    items.release.set()
    await first  # its place goes to the next item still held, not to the cancelled one
    await later
    assert items.started == [0, 2] and items.work.running == 0


async def test_telling_someone_the_queue_is_full_also_waits_for_the_acks() -> None:
    """`after_acks`, as handlers/errors.py tells a user the bot is busy: no slot, same gate."""
    work, told, release = LazyWork(in_flight=1, queued=0, floor=1), [], asyncio.Event()

    async def busy_answer() -> None:
        async with work.after_acks():
            told.append("busy")

    running = asyncio.create_task(work.run(release.wait))  # the floor, and the only slot
    await turns()
    assert work.full
    hold_acks(work.acks, AHEAD + 1)
    telling = asyncio.create_task(busy_answer())
    await turns()
    assert told == []
    work.acks.answered()
    await telling
    assert told == ["busy"]
    release.set()
    await running


async def test_a_request_is_pending_from_its_arrival_to_its_response_start() -> None:
    acks, seen = PendingAcks(on_few=lambda: None), []
    respond, finish = asyncio.Event(), asyncio.Event()

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        await respond.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await finish.wait()  # a body still streaming is no longer waiting for its ack
        await send({"type": "http.response.body", "body": b""})

    async def sent(message: Message) -> None:
        seen.append((message["type"], acks.pending))

    answering = asyncio.create_task(CountPendingAcks(app, acks)({"type": "http"}, nothing, sent))
    await turns()
    assert acks.pending == 1
    respond.set()
    await turns()
    assert acks.pending == 0 and seen == [("http.response.start", 0)]
    finish.set()
    await answering
    assert acks.pending == 0  # counted down once


async def test_a_request_that_fails_before_answering_is_not_pending_any_more() -> None:
    calls: list[str] = []
    acks = PendingAcks(on_few=lambda: calls.append("few"), ahead=0)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise LookupError("a bug")

    with pytest.raises(LookupError):
        await CountPendingAcks(app, acks)({"type": "http"}, nothing, nothing_sent)
    assert acks.pending == 0 and acks.few and calls == ["few"]


async def test_the_bot_starts_no_new_lazy_work_while_its_requests_wait_for_acks(
    redis_url: str,
) -> None:
    """Through the real app: AHEAD + 1 Slack requests whose bodies are still arriving hold back
    a new lazy item (the floor is busy); it starts once one of them is answered."""
    services = build_services(a_settings(redis_url))
    app, work = build_app(services), services.lazy_work
    body, arrived = (
        slash_command(
            "/recognize", "<@U_BOB> thanks", user_id="U_ANA", response_url="http://127.0.0.1:9/r"
        ),
        asyncio.Event(),
    )
    scope = a_post(sign("not-the-secret", body))  # answered 401 by Bolt, nothing else done

    async def receive() -> Message:
        await arrived.wait()
        return {"type": "http.request", "body": body, "more_body": False}

    answers: list[int] = []

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answers.append(message["status"])

    release, started = asyncio.Event(), []

    async def lazy_item() -> None:
        started.append("item")

    floor = [asyncio.create_task(work.run(release.wait)) for _ in range(FLOOR)]
    requests = [asyncio.create_task(app(scope, receive, send)) for _ in range(AHEAD + 1)]
    await turns()
    assert work.acks.pending == AHEAD + 1 and work.running == FLOOR
    item = asyncio.create_task(work.run(lazy_item))
    await turns()
    assert started == []
    arrived.set()
    await asyncio.gather(*requests)
    await item
    assert answers == [401] * (AHEAD + 1) and started == ["item"]
    release.set()
    await asyncio.gather(*floor)
    await services.aclose()


def a_post(headers: dict[str, str]) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/slack/events",
        "raw_path": b"/slack/events",
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 3000),
    }
