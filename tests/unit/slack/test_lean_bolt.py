"""bot/slack/lean_bolt.py: listeners and matchers get what Bolt would give them, without Bolt
building every injectable value for each matcher tried and each listener run."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.kwargs_injection import async_utils
from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_bolt.lazy_listener import async_internals as lazy_internals
from slack_bolt.listener import async_listener
from slack_bolt.listener_matcher import async_builtins, async_listener_matcher
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.runtime.shared import Shared
from bot.slack.lean_bolt import LeanApp
from testkit.support import sign, slash_command

SECRET = "lean-bolt-secret"
SERVICE = Shared()  # one per process, in a lazy listener's copy of the context too


async def authorize(**_: Any) -> AuthorizeResult:
    return AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-test")


async def provide(context: Any, next: Callable[[], Any]) -> None:
    context["service"] = SERVICE
    await next()


async def has_text(command: dict[str, Any]) -> bool:
    return bool(command.get("text"))


def app_of(kind: type[AsyncApp], seen: dict[str, Any]) -> AsyncApp:
    """Two commands registered before /kudos (one with a custom matcher), as the bot has."""
    app = kind(signing_secret=SECRET, authorize=authorize, process_before_response=True)
    app.use(provide)

    async def other(ack: Any) -> None:
        await ack()

    async def kudos(
        ack: Any, body: Any, command: Any, payload: Any, context: Any, client: Any, logger: Any
    ) -> None:
        seen.update(body=body, command=command, payload=payload, context=context)
        seen.update(client=client, logger=logger.name)
        await ack()

    async def later(command: Any, respond: Any, service: Any, context: Any) -> None:
        seen.update(lazy=(command["command"], type(respond), service, context.get("service")))
        seen["lazy_ran"].set()

    async def kudos_later(respond: Any, say: Any, service: Any, args: AsyncArgs) -> None:
        seen.update(respond=respond, say=say, service=service, args=args.command)
        await args.ack()

    app.command("/recognize", matchers=[has_text])(other)
    app.command("/recognize")(other)
    app.command("/kudos")(ack=kudos, lazy=[later])
    app.command("/kudos-later")(kudos_later)
    return app


def command_body(command: str) -> bytes:
    return slash_command(command, "status", user_id="U_ANA", response_url="http://127.0.0.1:9/r")


async def dispatch(app: AsyncApp, body: bytes) -> None:
    request = AsyncBoltRequest(body=body.decode(), headers=dict(sign(SECRET, body)))
    response = await app.async_dispatch(request)
    assert response.status == 200, response.body


async def seen_by(kind: type[AsyncApp], body: bytes) -> dict[str, Any]:
    lazy_ran = asyncio.Event()
    seen: dict[str, Any] = {"lazy_ran": lazy_ran}
    await dispatch(app_of(kind, seen), body)
    if b"kudos-later" not in body:  # the lazy listener runs after the ack
        await asyncio.wait_for(lazy_ran.wait(), 5)
    del seen["lazy_ran"]
    return seen


@pytest.mark.parametrize("command", ["/kudos", "/kudos-later"])
async def test_a_listener_gets_what_bolt_would_give_it(command: str) -> None:
    body = command_body(command)
    bolt, lean = await seen_by(AsyncApp, body), await seen_by(LeanApp, body)
    assert lean.keys() == bolt.keys() and lean
    for name, value in bolt.items():
        if name in ("context", "client", "respond", "say"):  # one per request: same kind
            assert type(lean[name]) is type(value), name
        else:
            assert lean[name] == value, name
    if command == "/kudos":
        assert lean["command"]["command"] == "/kudos" and lean["payload"] is lean["command"]
        assert lean["lazy"][2] is SERVICE and lean["lazy"][3] is SERVICE
    else:
        assert lean["service"] is SERVICE and lean["args"]["command"] == "/kudos-later"


async def test_matchers_and_the_listener_are_called_without_bolt_s_full_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bolt's builder makes some 30 values per call: a /kudos behind three listeners cost five
    such sets (three matchers, the listener, its lazy listener); lean, none (the `args`
    listener: Bolt's, once)."""
    built: list[str] = []

    def counting(**kwargs: Any) -> dict[str, Any]:
        built.append(kwargs["request"].body["command"])
        return async_utils.build_async_required_kwargs(**kwargs)

    for module in (async_listener, async_builtins, async_listener_matcher, lazy_internals):
        monkeypatch.setattr(module, "build_async_required_kwargs", counting)
    await seen_by(AsyncApp, command_body("/kudos"))
    assert len(built) == 5
    built.clear()
    await seen_by(LeanApp, command_body("/kudos"))
    assert built == []
    await seen_by(LeanApp, command_body("/kudos-later"))
    assert built == ["/kudos-later"]  # `args` is Bolt's own: its builder makes it
