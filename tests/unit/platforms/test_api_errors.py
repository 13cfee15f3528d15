"""bot/platforms/api.py's errors: 403 names the scope, unreadable answers, nothing raw; token
calls too."""

from __future__ import annotations

import logging
from dataclasses import replace

import httpx
import pytest
from pydantic import SecretStr

from bot.accounts import oauth
from bot.errors import KudosError, PermissionMissing, ProviderUnavailable, UnreadableAnswer
from bot.models import TokenSet
from bot.platforms.api import PlatformApi
from bot.platforms.providers.achievers import SPEC
from bot.settings import ProviderSettings
from handlers.words import said
from testkit.fakes.stub import FAST_LIMITS, ITEMS, StubPlatform
from testkit.support import free_port
from tests.unit.stub_api import BODY_CANARY, TOKEN, create

TOKEN_SPEC = replace(SPEC, token_path="/token")


# ---- permission, unreadable answers, and nothing raw -----------------------------------

INSUFFICIENT = 'Bearer error="insufficient_scope", scope="recognition:write"'


@pytest.mark.parametrize(
    ("headers", "body", "named"),
    [
        ({"WWW-Authenticate": INSUFFICIENT}, None, "it needs the `recognition:write` scope"),
        ({}, '{"required_scope": ["users:read", "users:write"]}', "`users:read users:write`"),
        ({}, '{"detail": "You do not have permission."}', "(the app asks for `read write`)"),
        ({"WWW-Authenticate": 'Bearer scope="<b>x</b>"'}, None, "asks for `read write`"),
    ],
)
async def test_403_names_the_missing_scope(
    stub: StubPlatform, api: PlatformApi, headers: dict[str, str], body: str | None, named: str
) -> None:
    stub.fail_next(403, headers=headers, body=body)
    with pytest.raises(PermissionMissing) as raised:
        await api.call("GET", "/items", TOKEN)
    assert "Acme says this app lacks permission" in said(raised.value)
    assert named in said(raised.value) and "<b>" not in said(raised.value)


async def test_an_html_page_with_200_is_a_typed_error(stub: StubPlatform, api: PlatformApi) -> None:
    stub.html_next(200)
    with pytest.raises(UnreadableAnswer) as raised:
        await api.call("GET", "/items", TOKEN)
    assert said(raised.value) == "Acme sent an answer we couldn't read. Please try again later."


async def test_an_html_502_is_retried_like_any_502(stub: StubPlatform, api: PlatformApi) -> None:
    stub.html_next(502)
    assert await api.call("GET", "/items", TOKEN) == ITEMS


async def test_an_html_200_to_a_create_may_have_landed(
    stub: StubPlatform, api: PlatformApi
) -> None:
    stub.html_next(200, method="POST")
    with pytest.raises(ProviderUnavailable) as raised:
        await create(api)
    assert raised.value.may_have_landed and stub.count("POST", "/things") == 1


@pytest.mark.parametrize("status", [200, 400, 403, 404, 429, 500, 503])
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_no_message_or_log_line_carries_the_body_token_or_query(
    stub: StubPlatform,
    api: PlatformApi,
    caplog: pytest.LogCaptureFixture,
    status: int,
    method: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    page = f"<html><p>{BODY_CANARY} Bearer {TOKEN}</p></html>"
    sneaky = {"WWW-Authenticate": f'Bearer scope="{BODY_CANARY}<script>"'}
    stub.fail_next(status, times=9, body=page, content_type="text/html", headers=sneaky)
    with pytest.raises(KudosError) as raised:
        await api.call(method, "/items?email=ana%40example.com", TOKEN)
    ours = [r for r in caplog.records if r.name.startswith(("bot", "stamina"))]
    logged = "\n".join(f"{caplog.handler.format(r)} {r.__dict__}" for r in ours)
    for leak in (BODY_CANARY, TOKEN, "email=", "ana%40", stub.base_url):
        assert leak not in said(raised.value) and leak not in logged
    assert any(f"{method} /items" in record.getMessage() for record in ours)


# ---- the token endpoint: timeouts, and sent again only when nothing was sent -------------


async def token_request(stub_url: str, http: httpx.AsyncClient) -> TokenSet:
    client = ProviderSettings(base_url=stub_url, client_id="cid", client_secret=SecretStr("s"))
    grant = {"grant_type": "client_credentials"}
    return await oauth.request_token(http, TOKEN_SPEC, client, grant, limits=FAST_LIMITS)


async def test_a_token_request_answers(stub: StubPlatform, http: httpx.AsyncClient) -> None:
    token = await token_request(stub.base_url, http)
    assert token.access_token == "at-1"


@pytest.mark.parametrize("fault", ["reset", "hang"])
async def test_a_token_request_is_not_repeated_once_sent(
    stub: StubPlatform, http: httpx.AsyncClient, fault: str
) -> None:
    stub.reset_next(path="/token") if fault == "reset" else stub.hang_next(1.0, path="/token")
    with pytest.raises(ProviderUnavailable) as raised:
        await token_request(stub.base_url, http)
    assert raised.value.may_have_landed and stub.count("POST", "/token") == 1


async def test_a_busy_token_endpoint_is_not_retried(
    stub: StubPlatform, http: httpx.AsyncClient
) -> None:
    stub.fail_next(503, retry_after=0.1, path="/token")
    with pytest.raises(ProviderUnavailable) as raised:  # the platform is away, not refusing
        await token_request(stub.base_url, http)
    assert stub.count("POST", "/token") == 1 and not raised.value.may_have_landed


async def test_a_token_endpoint_that_never_connects(http: httpx.AsyncClient) -> None:
    with pytest.raises(ProviderUnavailable) as raised:
        await token_request(f"http://127.0.0.1:{free_port()}", http)
    assert not raised.value.may_have_landed
