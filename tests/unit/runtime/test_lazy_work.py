"""Bursts: work after the ack waits for a slot in a bounded queue, and whoever is turned away,
or meets a pool with no free connection, hears that the bot is busy, not that Redis is down."""

from __future__ import annotations

import asyncio
import json
import time
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.fernet import Fernet
from redis.asyncio import BlockingConnectionPool, Redis
from slack_bolt.context.complete.async_complete import AsyncComplete
from slack_bolt.context.fail.async_fail import AsyncFail
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient
from starlette.types import Message

from bot.accounts.crypto import TokenCipher
from bot.errors import Overloaded, StoreBusy, StoreUnavailable
from bot.models import Actor, PendingLink, Resume
from bot.runtime import tasks
from bot.runtime.acks_first import CountPendingAcks
from bot.runtime.lazy_work import LazyWork, Place
from bot.store import Store
from handlers.admission import KeepPlaces
from handlers.commands import WORK_AFTER_ACK
from handlers.modal_desk import Desks
from handlers.reactions import recognize_reaction
from handlers.resume import FORM_AGAIN, AfterLink
from handlers.words import said
from handlers.workflow_step import give_recognition
from testkit.bot_env import BOT_TOKEN
from testkit.fakes.slack import FakeSlack
from testkit.support import block_action, free_port, slash_command
from tests.unit.delivery_kit import Kit, achievers, kit
from tests.unit.lost_cancel import GUARD, Deaf

__all__ = ["achievers", "kit"]  # fixtures

CIPHER = TokenCipher([Fernet(Fernet.generate_key())])


async def test_past_the_queue_bound_work_is_told_busy_at_once() -> None:
    work = LazyWork(in_flight=2, queued=3)
    release, ran = asyncio.Event(), []

    async def job(n: int) -> None:
        async with work.slot():
            ran.append(n)
            await release.wait()

    jobs = [asyncio.create_task(job(n)) for n in range(5)]  # 2 running, 3 queued
    await asyncio.sleep(0)
    assert work.waiting == 3 and ran == [0, 1]
    with pytest.raises(Overloaded) as turned_away:
        await job(5)
    assert "busy" in said(turned_away.value)
    assert "unavailable" not in said(turned_away.value)
    release.set()
    await asyncio.gather(*jobs)
    assert sorted(ran) == [0, 1, 2, 3, 4]  # everything queued ran, later


async def test_a_full_pool_while_redis_answers_is_busy(redis_url: str) -> None:
    pool = BlockingConnectionPool.from_url(redis_url, max_connections=1, timeout=0.2)
    client = Redis(connection_pool=pool)
    store = Store(client, CIPHER)
    try:
        assert await store.ping()  # Redis answers

        async def hold_the_only_connection() -> None:
            await client.blpop(["kb:test:nothing"], timeout=1)  # type: ignore[misc]

        holding = asyncio.create_task(hold_the_only_connection())
        await asyncio.sleep(0.05)
        with pytest.raises(StoreBusy) as busy:
            await store.intents.load("any")  # no free connection for 0.2 s
        assert "unavailable" not in said(busy.value)
        await holding
    finally:
        await client.aclose()


async def test_a_redis_that_refuses_connections_is_unavailable() -> None:
    client = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5)
    store = Store(client, CIPHER)
    try:
        with pytest.raises(StoreUnavailable) as down:
            await store.intents.load("any")
        assert not isinstance(down.value, StoreBusy)
        assert "temporarily unavailable" in said(down.value)
    finally:
        await client.aclose()


async def test_while_the_queue_is_full_a_command_hears_busy_in_its_ack() -> None:
    work = LazyWork(in_flight=1, queued=0)
    admission = KeepPlaces(work)
    passed: list[str] = []

    async def next_() -> None:
        passed.append("next")

    url = "http://127.0.0.1:9/r"
    recognize = slash_command("/recognize", "<@U_BOB> x", user_id="U_ANA", response_url=url)
    cancel = block_action("recognition_cancel", "d1", user_id="U_ANA", response_url=url)
    command, click = (
        AsyncBoltRequest(body=recognize.decode()),
        AsyncBoltRequest(body=cancel.decode()),
    )
    async with work.slot():  # the only slot busy, no room to wait
        answer = await admission.async_process(
            req=command, resp=BoltResponse(status=200), next=next_
        )
        assert answer is not None and "very busy" in json.loads(answer.body)["text"]
        assert passed == []  # nothing else ran for it
        await admission.async_process(req=click, resp=BoltResponse(status=200), next=next_)
        assert passed == ["next"]  # a click goes on, and hears it from its listener


async def test_while_the_queue_is_full_kudos_is_still_answered() -> None:
    """/kudos queues nothing after its ack (status and lookups answer from the ack function):
    a full queue keeps it no place and does not turn it away."""
    work = LazyWork(in_flight=1, queued=0)
    admission = KeepPlaces(work, WORK_AFTER_ACK)
    passed: list[str] = []

    async def next_() -> None:
        passed.append("next")

    body = slash_command("/kudos", "status", user_id="U_ANA", response_url="http://127.0.0.1:9/r")
    status = AsyncBoltRequest(body=body.decode())
    async with work.slot():  # the only slot busy, no room to wait
        answer = await admission.async_process(
            req=status, resp=BoltResponse(status=200), next=next_
        )
    assert answer is None and passed == ["next"] and status.context["kept_place"] is None
    assert work.promised == 0


class Commands:
    """Slash commands through the acks counter and admission, as Bolt runs them: the middleware
    chain returns, then the ack is made (here: when `answered` is set)."""

    def __init__(self, work: LazyWork, text: str) -> None:
        url = "http://127.0.0.1:9/r"
        self.body = slash_command(text.split()[0], text, user_id="U_ANA", response_url=url)
        self.admission, self.acks = KeepPlaces(work), work.acks
        self.places: list[Place] = []
        self.told: list[str] = []
        self.answered = asyncio.Event()

    def fire(self, count: int) -> list[asyncio.Task[None]]:
        counted = CountPendingAcks(self._app, self.acks)
        scope = {"type": "http"}
        return [asyncio.create_task(counted(scope, disconnected, none)) for _ in range(count)]

    async def _app(self, scope: Any, receive: Any, send: Any) -> None:
        request = AsyncBoltRequest(body=self.body.decode())
        answer = await self.admission.async_process(
            req=request, resp=BoltResponse(status=200), next=none
        )
        if answer is None:
            self.places.append(request.context["kept_place"])
        else:
            self.told.append(json.loads(answer.body)["text"])
        await self.answered.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})


async def none(*_: Any) -> None:
    """Bolt's `next`, a request's `send`: nothing to do here."""


async def disconnected() -> Message:
    return {"type": "http.disconnect"}


async def test_a_burst_keeps_places_at_admission_before_any_work_queues() -> None:
    """Every command of a burst is admitted before any lazy work starts (Bolt starts it with
    the ack): counting only what queued, all would be admitted and most told "busy" later,
    through their response_url. Places kept at admission tell those past the bound in their
    ack, and each lazy listener takes its own place, so nothing is counted twice."""
    work = LazyWork(in_flight=2, queued=3)
    commands = Commands(work, "/recognize <@U_BOB> x")
    requests = commands.fire(7)
    await asyncio.sleep(0)
    assert len(commands.places) == 5 and work.full  # five kept; two answered busy at once
    assert len(commands.told) == 2 and all("very busy" in text for text in commands.told)
    ran: list[int] = []

    async def lazy(n: int) -> None:
        async with work.slot(commands.places[n]):
            ran.append(n)

    await asyncio.gather(*(lazy(n) for n in range(5)))
    commands.answered.set()
    await asyncio.gather(*requests)
    assert sorted(ran) == [0, 1, 2, 3, 4] and work.promised == 0 and not work.full


async def test_a_command_with_no_work_after_its_ack_gives_its_place_back() -> None:
    work = LazyWork(in_flight=1, queued=0)
    commands = Commands(work, "/kudos status")
    [request] = commands.fire(1)
    await asyncio.sleep(0)
    assert work.full and work.promised == 1  # kept while it is being answered
    commands.answered.set()
    await request
    assert work.promised == 0 and not work.full


async def test_at_shutdown_work_queued_or_running_is_stopped_in_bounded_time() -> None:
    """One job in the slot loses its first cancel, one waits its turn: stop ends both within
    its grace and bot/runtime/tasks.py's bound, and turns new work away."""
    work = LazyWork(in_flight=1, queued=5)
    deaf = Deaf(lose=1)
    running = asyncio.create_task(work.run(deaf))
    queued = asyncio.create_task(work.run(asyncio.Event().wait))
    async with asyncio.timeout(GUARD):
        await deaf.started.wait()
        began = time.monotonic()
        await work.stop(grace=0.2)
    assert time.monotonic() - began < 0.2 + tasks.CANCELS * tasks.GRACE + 0.5
    assert running.cancelled() and queued.cancelled()
    assert deaf.lost == 1
    with pytest.raises(Overloaded):
        await work.run(asyncio.Event().wait)


async def test_at_shutdown_work_that_finishes_within_the_grace_finishes() -> None:
    work, answered = LazyWork(in_flight=1, queued=5), asyncio.Event()
    running = asyncio.create_task(work.run(answered.wait))
    await asyncio.sleep(0)
    stopping = asyncio.create_task(work.stop(grace=5))
    await asyncio.sleep(0)
    answered.set()
    async with asyncio.timeout(1):  # not the grace: it ends when the work does
        await stopping
    assert running.result() is True


ANA = Actor("T1", "U_ANA")


async def test_a_reaction_past_the_bound_hears_busy_privately(
    fake_slack: FakeSlack, kit: Kit
) -> None:
    work = LazyWork(in_flight=1, queued=0)
    client = AsyncWebClient(token=BOT_TOKEN, base_url=f"{fake_slack.base_url}/api/")
    event = {"reaction": "clap", "item": {"type": "message", "channel": "C1", "ts": "1.2"}}
    async with work.slot():
        unused: Any = None  # the busy answer needs neither recognitions nor a linker
        await recognize_reaction(event, ANA, client, kit.registry, unused, unused, kit.store, work)
    [told] = fake_slack.calls("chat.postEphemeral")
    assert told["user"] == "U_ANA" and "very busy" in told["text"]
    assert fake_slack.calls("conversations.history") == []  # nothing else was done


async def test_a_workflow_step_past_the_bound_fails_as_busy(
    fake_slack: FakeSlack, kit: Kit
) -> None:
    work = LazyWork(in_flight=1, queued=0)
    desks = Desks(kit.registry, None, None, None, None)  # type: ignore[arg-type]
    client = AsyncWebClient(token=BOT_TOKEN, base_url=f"{fake_slack.base_url}/api/")
    inputs = {"giver": {"id": "U_ANA"}, "recipients": ["U_BOB"], "message": "thanks"}
    complete, fail = AsyncComplete(client, "Fx0BUSY"), AsyncFail(client, "Fx0BUSY")
    async with work.slot():
        await give_recognition(inputs, ANA, client, complete, fail, kit.store, desks, work)
    [failed] = fake_slack.calls("functions.completeError")
    assert failed["function_execution_id"] == "Fx0BUSY" and "very busy" in failed["error"]


async def test_what_waited_for_a_link_past_the_bound_is_told_busy() -> None:
    work = LazyWork(in_flight=1, queued=0)
    services = SimpleNamespace(lazy_work=work, linker=None, registry=None)
    pending = PendingLink(
        team_id="T1", user_id="U_ANA", provider="achievers", resume=Resume(kind="form")
    )
    async with work.slot():
        answer = await AfterLink(services).answer(pending)  # type: ignore[arg-type]
    assert answer is not None and "very busy" in answer[0]
    assert answer[0] != FORM_AGAIN
