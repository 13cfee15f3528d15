"""Each request's client is what Bolt would build for it, and its own to change."""

from __future__ import annotations

from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web import async_base_client
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.lean_bolt import LeanApp
from bot.slack.request_clients import RequestClients

SECRET = "request-clients-secret"


def comparable(client: AsyncWebClient) -> dict[str, Any]:
    """Its values, the retry handlers by kind (Bolt makes new default ones per request)."""
    values = dict(vars(client))
    values["retry_handlers"] = [type(handler) for handler in client.retry_handlers]
    return values


def context_client(kind: type[AsyncApp], team_id: str | None) -> AsyncWebClient:
    client = AsyncWebClient(token="xoxb-app", base_url="http://x/")
    app = kind(signing_secret=SECRET, client=client)
    body = {"team_id": team_id} if team_id else {}
    request = AsyncBoltRequest(body=body, headers={}, mode="socket_mode")
    app._init_context(request)
    built: AsyncWebClient = request.context.client
    return built


@pytest.mark.parametrize("team_id", ["T1", None])
def test_the_client_is_the_one_bolt_builds(team_id: str | None) -> None:
    bolt, lean = context_client(AsyncApp, team_id), context_client(LeanApp, team_id)
    assert comparable(lean) == comparable(bolt)
    assert lean.default_params == ({"team_id": team_id} if team_id else {})


def test_each_request_may_change_its_own_client() -> None:
    clients = RequestClients(AsyncWebClient(base_url="http://x/"), None)
    first, second = clients.for_team("T1"), clients.for_team("T2")
    first.token = "xoxb-first"  # what authorization does
    first.retry_handlers.clear()
    assert second.token is None and second.retry_handlers
    assert (first.default_params, second.default_params) == ({"team_id": "T1"}, {"team_id": "T2"})


def test_no_request_reads_the_proxy_variables_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bolt's build reads HTTPS_PROXY and its kind from the environment for every request."""
    reads: list[str] = []
    monkeypatch.setattr(async_base_client, "load_http_proxy_from_env", reads.append)
    for kind, expected in ((AsyncApp, 3), (LeanApp, 0)):
        app = kind(signing_secret=SECRET, client=AsyncWebClient(token="xoxb-app"))
        reads.clear()
        for _ in range(3):
            app._init_context(AsyncBoltRequest(body={}, headers={}, mode="socket_mode"))
        assert len(reads) == expected, kind
