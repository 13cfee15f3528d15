"""Listeners reach what they need one way: by parameter name through Bolt's context. The `actor`
there is read off the signed request's envelope only, and no handler reads a service by string."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import ProvideServices
from bot.models import Actor
from bot.runtime.lazy_work import LazyWork
from handlers.inject import declaring
from testkit.support import sign, slash_command
from tests.e2e.event_payloads import reaction_added

ROOT = Path(__file__).resolve().parents[3]
SECRET = "listener-context-secret"
EVE = {"user_id": "U_EVE", "team_id": "T_EVE", "enterprise_id": "E_EVE"}  # named in the body


async def authorize(**_: Any) -> AuthorizeResult:
    return AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-test")


def app_recording(seen: list[tuple[Actor, object]]) -> AsyncApp:
    """A Bolt app with the bot's middleware whose listeners note what they were handed."""
    app = AsyncApp(signing_secret=SECRET, authorize=authorize, process_before_response=True)
    nowhere = AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:9/")  # never called
    services = SimpleNamespace(lazy_work=LazyWork(), slack=nowhere, slack_session=None)
    services.workspaces = None
    app.use(ProvideServices(services, {"registry": "the registry"}))  # type: ignore[arg-type]

    async def note(ack: Any, actor: Actor, registry: object) -> None:
        seen.append((actor, registry))
        await ack()

    app.command("/recognize")(note)
    app.action("recognition_send")(note)
    app.event("reaction_added")(note)
    return app


async def dispatched(app: AsyncApp, body: bytes, content_type: str | None = None) -> None:
    headers: dict[str, str | Sequence[str]] = {**sign(SECRET, body)}
    headers |= {"Content-Type": content_type} if content_type else {}
    request = AsyncBoltRequest(body=body.decode(), headers=headers)
    response = await app.async_dispatch(request)
    assert response.status == 200, response.body


def click_naming_eve() -> bytes:
    """Ana's click on Send, whose value, message and form metadata all name someone else."""
    payload = {
        "type": "block_actions",
        "user": {"id": "U_ANA", "team_id": "T1"},
        "team": {"id": "T1"},
        "channel": {"id": "C1"},
        "actions": [{"action_id": "recognition_send", "value": "U_EVE", "type": "button"}],
        "message": {"user": "U_EVE", "text": "<@U_EVE>", "team": "T_EVE"},
        "view": {"private_metadata": json.dumps(EVE), "team_id": "T_EVE"},
        "actor": EVE,  # not a Slack field: nothing reads it
        "response_url": "http://127.0.0.1:9/r",
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


async def test_the_actor_comes_from_the_signed_envelope_and_nothing_the_body_names() -> None:
    seen: list[tuple[Actor, object]] = []
    app = app_recording(seen)
    command = slash_command("/recognize", "<@U_EVE|eve> T_EVE", user_id="U_ANA", response_url="")
    await dispatched(app, command)
    await dispatched(app, click_naming_eve())
    reaction = reaction_added("U_ANA", "C9", "1.2", item_user="U_EVE")
    await dispatched(app, reaction, "application/json")
    assert [actor for actor, _ in seen] == [
        Actor("T1", "U_ANA", "C1"),
        Actor("T1", "U_ANA", "C1"),
        Actor("T1", "U_ANA", "C9"),  # the reactor, not the message's author
    ]
    assert {registry for _, registry in seen} == {"the registry"}  # services by name, too


async def test_an_org_wide_install_acts_in_the_org() -> None:
    seen: list[tuple[Actor, object]] = []
    fields = urlencode({"enterprise_id": "E1", "is_enterprise_install": "true"}).encode()
    body = slash_command("/recognize", "hi", user_id="U_ANA", team_id="T2", response_url="")
    await dispatched(app_recording(seen), body.replace(b"is_enterprise_install=false", fields))
    assert seen[0][0] == Actor("E1", "U_ANA", "C1")


async def test_a_decorator_declares_its_own_names_and_passes_on_the_listener_s() -> None:
    got: dict[str, Any] = {}

    async def around(given: dict[str, Any], run: Any) -> None:
        got["around"] = sorted(given)
        await run()

    @declaring(("actor", "registry"), around)
    async def listener(ack: Any, actor: Actor) -> None:
        got["listener"] = actor
        await ack()

    seen: list[tuple[Actor, object]] = []
    app = app_recording(seen)
    app.command("/kudos")(listener)
    await dispatched(app, slash_command("/kudos", "status", user_id="U_ANA", response_url=""))
    assert got == {"around": ["ack", "actor", "registry"], "listener": Actor("T1", "U_ANA", "C1")}


SERVICE_NAMES = {
    "registry", "store", "tokens", "directory", "people", "linker", "lookups", "outbox",
    "recognitions", "recognize_emojis", "lazy_work", "desks", "home", "after_link", "actor",
}  # fmt: skip
BY_STRING = re.compile(r"""context(?:\[|\.get\()\s*["'](\w+)["']""")


@pytest.mark.parametrize("folder", ["handlers", "sandbox"])
def test_no_handler_reads_a_service_from_the_context_by_string(folder: str) -> None:
    """They name it as a parameter (Bolt's own `context.client`/`respond` are read as such)."""
    found = [
        f"{path.relative_to(ROOT)}:{number}: {match.group(0)}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for match in BY_STRING.finditer(line)
        if match.group(1) in SERVICE_NAMES
    ]
    assert found == [], "declare the service as a listener parameter instead"
