"""The simulated Slack and platform in-process (httpx over ASGI), with a stub bot behind them
that checks every request's signature the way Bolt does (slack_sdk's SignatureVerifier)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from sandbox.platform import SimulatedPlatform
from sandbox.simulated_slack import simulated_slack
from sandbox.workspace import Workspace

SECRET = "sandbox-test-signing-secret"
BOT_TOKEN = "xoxb-sandbox-test"
REDIRECT_URI = "http://bot.test/oauth/achievers/callback"


@dataclass
class StubBot:
    """The app at /slack/events: refuses bad signatures, records bodies, answers `ack`."""

    received: list[dict[str, Any]] = field(default_factory=list)
    ack: Response = field(default_factory=lambda: PlainTextResponse(""))

    async def events(self, request: Request) -> Response:
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        if not SignatureVerifier(SECRET).is_valid_request(body, headers):
            return PlainTextResponse("invalid request", status_code=401)
        self.received.append(decode(body, request.headers.get("content-type", "")))
        return self.ack

    @property
    def last(self) -> dict[str, Any]:
        assert self.received, "the bot received nothing"
        return self.received[-1]


def decode(body: bytes, content_type: str) -> dict[str, Any]:
    """A form body's fields (its `payload` decoded) or a JSON body."""
    if content_type.startswith("application/json"):
        decoded: dict[str, Any] = json.loads(body)
        return decoded
    fields: dict[str, Any] = dict(parse_qsl(body.decode()))
    if "payload" in fields:
        fields["payload"] = json.loads(fields["payload"])
    return fields


@dataclass
class Sim:
    """The simulated Slack: a client for its routes, its workspace, and the stub bot."""

    client: httpx.AsyncClient
    workspace: Workspace
    bot: StubBot

    async def page(self, path: str, **body: Any) -> httpx.Response:
        """A request from the page (JSON) to one of its /sandbox/ routes."""
        return await self.client.post(f"/sandbox/{path}", json=body)

    async def api(self, method: str, token: str = BOT_TOKEN, **params: Any) -> dict[str, Any]:
        """A Web API call with the bot token, as slack_sdk sends it (JSON body)."""
        headers = {"Authorization": f"Bearer {token}"}
        answer = await self.client.post(f"/api/{method}", json=params, headers=headers)
        decoded: dict[str, Any] = answer.json()
        return decoded

    def seen(self, user: str) -> list[dict[str, Any]]:
        return [m.to_json() for m in self.workspace.visible_to(user)]


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    bot = StubBot()
    bot_app = Starlette(routes=[Route("/slack/events", bot.events, methods=["POST"])])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=bot_app)) as to_bot:
        app, workspace = simulated_slack(SECRET, BOT_TOKEN, "http://bot.test/slack/events", to_bot)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://slack.test") as client:
            yield Sim(client, workspace, bot)


@pytest.fixture
async def platform() -> AsyncIterator[tuple[httpx.AsyncClient, SimulatedPlatform]]:
    simulated = SimulatedPlatform("client-1", "secret-1", REDIRECT_URI)
    transport = httpx.ASGITransport(app=simulated.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://platform.test") as client:
        yield client, simulated
