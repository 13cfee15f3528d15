"""bot/slack/lean_runner.py: the ack is answered as soon as `ack()` is called, with no polling
timer, while the function runs on; a failure takes Bolt's error path with Bolt's outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack.lean_bolt import LeanApp
from testkit.support import sign, slash_command

SECRET = "lean-runner-secret"
Listener = Callable[..., Awaitable[None]]


async def authorize(**_: Any) -> AuthorizeResult:
    return AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-test")


def app_of(
    kind: type[AsyncApp],
    listener: Listener,
    ack_timeout: float = 3,
    lazy: list[Listener] | None = None,
) -> AsyncApp:
    app = kind(signing_secret=SECRET, authorize=authorize, process_before_response=False)

    @app.error
    async def on_error(error: Exception, body: dict[str, Any], response: BoltResponse) -> None:
        response.status, response.body = 200, f"sorry: {error}"

    app.command("/kudos")(ack=listener, lazy=lazy or [])
    registered: Any = app._async_listeners[-1]  # Bolt types it int; a float bound works
    registered.ack_timeout = ack_timeout  # Bolt's default, or shorter to test it
    return app


async def dispatch(app: AsyncApp) -> BoltResponse:
    body = slash_command("/kudos", "status", user_id="U_ANA", response_url="http://127.0.0.1:9/r")
    request = AsyncBoltRequest(body=body.decode(), headers=dict(sign(SECRET, body)))
    return await app.async_dispatch(request)


@pytest.fixture
def timer_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays of every asyncio.sleep with a delay (Bolt's runner polls with 0.01)."""
    slept: list[float] = []
    sleep = asyncio.sleep

    async def counted(delay: float, *args: Any) -> Any:
        if delay:
            slept.append(delay)
        return await sleep(delay, *args)

    monkeypatch.setattr(asyncio, "sleep", counted)
    return slept


@pytest.mark.parametrize("kind", [AsyncApp, LeanApp])
async def test_the_ack_returns_at_ack_while_the_function_runs_on(
    kind: type[AsyncApp], timer_sleeps: list[float]
) -> None:
    release, finished = asyncio.Event(), asyncio.Event()

    async def kudos(ack: Any) -> None:
        await ack(text="answered")
        await release.wait()
        finished.set()

    response = await dispatch(app_of(kind, kudos))
    assert (response.status, response.body) == (200, "answered")
    assert not finished.is_set()  # the function goes on after the ack, as a task
    assert (timer_sleeps == []) is (kind is LeanApp)  # Bolt polls every 10 ms; lean awaits
    release.set()
    await asyncio.wait_for(finished.wait(), 5)


@pytest.mark.parametrize("acked_first", [False, True])
async def test_a_failure_has_bolt_s_outcome(acked_first: bool) -> None:
    async def kudos(ack: Any) -> None:
        if acked_first:
            await ack(text="working")
            await asyncio.sleep(0)
        raise RuntimeError("broken")

    bolt, lean = [await dispatch(app_of(kind, kudos)) for kind in (AsyncApp, LeanApp)]
    assert (lean.status, lean.body) == (bolt.status, bolt.body)
    expected = "working" if acked_first else "sorry: broken"
    assert (lean.status, lean.body) == (200, expected)


async def test_a_function_that_never_acks_has_bolt_s_outcome() -> None:
    async def kudos(ack: Any) -> None:
        return None

    bolt, lean = [await dispatch(app_of(k, kudos, ack_timeout=0.05)) for k in (AsyncApp, LeanApp)]
    assert (
        (lean.status, lean.body)
        == (bolt.status, bolt.body)
        == (404, '{"error": "unhandled request"}')
    )


async def test_a_lazy_listener_gets_its_copy_of_the_request() -> None:
    """Bolt deep-copies the request (its ack included) for each lazy listener."""
    ran = asyncio.Event()

    async def kudos(ack: Any) -> None:
        await ack(text="answered")

    async def later(ack: Any, command: dict[str, Any]) -> None:
        if command["text"] == "status" and ack.response is None:  # Bolt's plain ack, a copy
            ran.set()

    response = await dispatch(app_of(LeanApp, kudos, lazy=[later]))
    assert (response.status, response.body) == (200, "answered")
    await asyncio.wait_for(ran.wait(), 5)
