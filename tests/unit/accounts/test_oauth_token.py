"""bot/accounts/oauth.py token requests, against a loopback token endpoint that records each
request."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.accounts import oauth
from bot.errors import OAuthFailure, ProviderUnavailable
from bot.platforms.limits import Limits
from bot.platforms.providers.achievers import SPEC
from bot.platforms.spec import ClientAuth, ProviderSpec, TokenEncoding
from bot.settings import ProviderSettings
from handlers.words import said
from testkit.fakes.server import serve
from testkit.support import free_port

SECRET = "Kudos+Bridge/s3cret%21=="  # every character RFC 6749 §2.3.1's encoding changes
CLIENT = ProviderSettings(
    base_url="http://127.0.0.1", client_id="cid:1", client_secret=SecretStr(SECRET)
)
REDIRECT = "https://bot.example/oauth/achievers/callback"


@dataclass
class TokenServer:
    """A loopback token endpoint that records each request and answers `reply`."""

    base_url: str = ""
    seen: list[Request] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    reply: tuple[int, Any] = (200, {"access_token": "at-1", "expires_in": 3600})
    hang: float = 0.0  # seconds before answering

    async def token(self, request: Request) -> Response:
        self.seen.append(request)
        self.bodies.append(await request.body())
        await asyncio.sleep(self.hang)
        status, body = self.reply
        if isinstance(body, str):
            return Response(body, status_code=status)
        return JSONResponse(body, status_code=status)


@pytest.fixture(scope="module")
def served() -> Iterator[TokenServer]:
    recorder = TokenServer()
    app = Starlette(routes=[Route("/token", recorder.token, methods=["POST"])])
    with serve(app) as url:
        recorder.base_url = url
        yield recorder


@pytest.fixture
def server(served: TokenServer) -> TokenServer:
    """The module's token server, with a fresh log and the default answer."""
    served.seen.clear()
    served.bodies.clear()
    served.reply = TokenServer.reply
    served.hang = 0.0
    return served


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


def spec_for(encoding: TokenEncoding, auth: ClientAuth) -> ProviderSpec:
    return replace(SPEC, token_encoding=encoding, client_auth=auth, token_path="/token")


def client_for(server: TokenServer) -> ProviderSettings:
    return CLIENT.model_copy(update={"base_url": server.base_url})


def params_of(encoding: TokenEncoding, request: Request, body: bytes) -> dict[str, str]:
    """The token parameters where `encoding` puts them, checking nothing is elsewhere."""
    ctype = request.headers.get("content-type", "")
    if encoding == "json":
        assert ctype.startswith("application/json") and not request.query_params
        return dict(json.loads(body))
    if encoding == "form":
        assert ctype.startswith("application/x-www-form-urlencoded") and not request.query_params
        return dict(parse_qsl(body.decode()))
    assert body == b""
    return dict(request.query_params)


ENCODINGS: list[TokenEncoding] = ["json", "form", "query"]
AUTHS: list[ClientAuth] = ["client_secret_post", "client_secret_basic"]
# RFC 6749 §2.3.1: each part form-encoded, then joined with ":" and base64-encoded.
BASIC = "Basic " + base64.b64encode(b"cid%3A1:Kudos%2BBridge%2Fs3cret%2521%3D%3D").decode()


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("auth", AUTHS)
async def test_request_token_encoding_and_client_auth(
    server: TokenServer, http: httpx.AsyncClient, encoding: TokenEncoding, auth: ClientAuth
) -> None:
    grant = {"grant_type": "client_credentials", "scope": "read"}
    token = await oauth.request_token(http, spec_for(encoding, auth), client_for(server), grant)
    assert token.access_token == "at-1"
    (request,), (body,) = server.seen, server.bodies
    params = params_of(encoding, request, body)
    assert request.headers["accept"] == "application/json"
    if auth == "client_secret_post":
        assert params == grant | {"client_id": "cid:1", "client_secret": SECRET}
        assert "authorization" not in request.headers
    else:
        assert params == grant
        assert request.headers["authorization"] == BASIC
        assert b"s3cret" not in body and "s3cret" not in str(request.url)


@pytest.mark.parametrize(
    ("redirect", "verifier", "expected"),
    [
        (False, None, {}),
        (True, None, {"redirect_uri": REDIRECT}),
        (True, "v" * 43, {"redirect_uri": REDIRECT, "code_verifier": "v" * 43}),
    ],
)
async def test_exchange_code(
    server: TokenServer,
    http: httpx.AsyncClient,
    redirect: bool,
    verifier: str | None,
    expected: dict[str, str],
) -> None:
    spec = replace(spec_for("form", "client_secret_basic"), send_redirect_uri=redirect)
    await oauth.exchange_code(http, spec, client_for(server), "c0de", REDIRECT, verifier)
    params = params_of("form", server.seen[0], server.bodies[0])
    assert params == {"grant_type": "authorization_code", "code": "c0de"} | expected


REJECTIONS = [
    (400, {"error": "invalid_grant"}, "did not accept the sign-in"),
    (401, {"error": "invalid_client"}, "client credentials"),
    (400, {"error": "invalid_client"}, "client credentials"),
    (401, "Unauthorized", "client credentials"),
    (200, "not json", "did not accept the sign-in"),
    (200, {"token_type": "bearer"}, "did not return a usable token"),
]


@pytest.mark.parametrize(("status", "body", "says"), REJECTIONS)
async def test_token_errors_become_oauth_failures(
    server: TokenServer, http: httpx.AsyncClient, status: int, body: Any, says: str
) -> None:
    server.reply = (status, body)
    with pytest.raises(OAuthFailure) as raised:
        await oauth.exchange_code(
            http, spec_for("json", "client_secret_post"), client_for(server), "c", REDIRECT
        )
    assert says in said(raised.value)
    assert "s3cret" not in said(raised.value)


UNAVAILABLE = [
    (500, "<html>oops</html>"),
    (503, {"error": "temporarily_unavailable"}),
    (502, {"error": "invalid_grant"}),
    (429, {"error": "slow_down"}),
]


@pytest.mark.parametrize(("status", "body"), UNAVAILABLE)
async def test_a_platform_away_at_the_code_exchange_is_unavailable_not_a_refusal(
    server: TokenServer, http: httpx.AsyncClient, status: int, body: Any
) -> None:
    server.reply = (status, body)
    with pytest.raises(ProviderUnavailable) as raised:
        await oauth.exchange_code(
            http, spec_for("json", "client_secret_post"), client_for(server), "c", REDIRECT
        )
    assert not isinstance(raised.value, OAuthFailure)


async def test_connection_refused_is_unavailable(http: httpx.AsyncClient) -> None:
    client = CLIENT.model_copy(update={"base_url": f"http://127.0.0.1:{free_port()}"})
    spec = spec_for("json", "client_secret_post")
    with pytest.raises(ProviderUnavailable):
        await oauth.request_token(http, spec, client, {})
    with pytest.raises(ProviderUnavailable):
        await oauth.exchange_code(http, spec, client, "code", "https://cb")


async def test_a_token_endpoint_that_hangs_is_unavailable(
    server: TokenServer, http: httpx.AsyncClient
) -> None:
    server.hang = 2.0
    quick = Limits(read=0.2, total=1.0, retry_budget=0.5, attempts=1)
    with pytest.raises(ProviderUnavailable) as raised:
        await oauth.request_token(
            http, spec_for("json", "client_secret_post"), client_for(server), {}, limits=quick
        )
    assert raised.value.may_have_landed is True  # it was sent: a code is never presented twice


@pytest.mark.parametrize("status", [500, 503])
async def test_a_5xx_at_refresh_is_unavailable_not_a_refusal(
    server: TokenServer, http: httpx.AsyncClient, status: int
) -> None:
    server.reply = (status, {"error": "invalid_grant"})  # whatever the body says
    spec = spec_for("form", "client_secret_basic")
    with pytest.raises(ProviderUnavailable) as raised:
        await oauth.refresh(http, spec, client_for(server), "rt-1")
    assert "isn't available right now" in said(raised.value)
    assert raised.value.may_have_landed is False


async def test_invalid_grant_and_invalid_client_read_differently(
    server: TokenServer, http: httpx.AsyncClient
) -> None:
    spec, messages = spec_for("json", "client_secret_post"), []
    for reply in ((400, {"error": "invalid_grant"}), (401, {"error": "invalid_client"})):
        server.reply = reply
        with pytest.raises(OAuthFailure) as raised:
            await oauth.exchange_code(http, spec, client_for(server), "c", REDIRECT)
        messages.append(said(raised.value))
    assert messages[0] != messages[1]
