"""OAuth 2.0 client pieces driven by a ProviderSpec: authorize URL, code exchange, tokens."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from bot.accounts.token_formats import CLIENT_AUTH, ENCODERS, Params, read_token
from bot.errors import (
    ClientRefused,
    GrantRevoked,
    OAuthFailure,
    ProviderError,
    ProviderUnavailable,
    Reason,
)
from bot.models import TokenSet
from bot.platforms.client import ProviderSettings, scope_of
from bot.platforms.limits import NOT_SENT, TOKEN_LIMITS, Limits
from bot.platforms.spec import ProviderSpec
from bot.runtime import tasks
from bot.telemetry import metrics

log = logging.getLogger(__name__)
TOKEN_OPERATION = "POST token"  # the label of token requests in metrics
UNAVAILABLE = (408, 429)  # and every 5xx: the platform is away or busy, not refusing


def new_state() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_code_verifier() -> str:
    return secrets.token_urlsafe(64)


def authorize_url(
    spec: ProviderSpec,
    client: ProviderSettings,
    redirect_uri: str,
    state: str,
    code_verifier: str | None = None,
) -> str:
    extra: dict[str, str] = {}
    if code_verifier is not None:
        extra = {
            "code_challenge": create_s256_code_challenge(code_verifier),
            "code_challenge_method": "S256",
        }
    uri: str = prepare_grant_uri(
        f"{client.base_url}{spec.authorize_path}",
        client_id=client.client_id,
        response_type="code",
        redirect_uri=redirect_uri if spec.send_redirect_uri else None,
        scope=scope_of(spec, client) if spec.scope_in_authorize else None,
        state=state,
        **extra,
    )
    return uri


def token_url(spec: ProviderSpec, client: ProviderSettings) -> str:
    return f"{client.base_url}{spec.token_path}"


class TokenRejected(Exception):
    """The token endpoint answered with an error (internal: each grant maps it for users)."""

    def __init__(self, error: str | None, status: int) -> None:
        super().__init__(f"{status} {error}")
        self.error, self.status = error, status


async def exchange_code(
    http: httpx.AsyncClient,
    spec: ProviderSpec,
    client: ProviderSettings,
    code: str,
    redirect_uri: str,
    code_verifier: str | None = None,
) -> TokenSet:
    """Authorization code → tokens. A refusal is an `OAuthFailure` for the callback page; a
    platform that is away raises `ProviderUnavailable` (the link can simply be tried again)."""
    params: Params = {"grant_type": "authorization_code", "code": code}
    if spec.send_redirect_uri:
        params["redirect_uri"] = redirect_uri
    if spec.scope_in_token:
        params["scope"] = scope_of(spec, client)
    if code_verifier is not None:
        params["code_verifier"] = code_verifier
    try:
        return await request_token(http, spec, client, params)
    except TokenRejected as rejected:
        raise OAuthFailure(_rejection(rejected), name=spec.display_name) from rejected


async def refresh(
    http: httpx.AsyncClient, spec: ProviderSpec, client: ProviderSettings, refresh_token: str
) -> TokenSet:
    """A refresh grant; a refused refresh token raises `GrantRevoked`."""
    params: Params = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    try:
        return await request_token(http, spec, client, params)
    except TokenRejected as rejected:
        if rejected.error == "invalid_grant":
            raise GrantRevoked(spec.name, "link_ended", name=spec.display_name) from rejected
        raise ProviderError(_rejection(rejected), name=spec.display_name) from rejected


async def client_credentials(
    http: httpx.AsyncClient, spec: ProviderSpec, client: ProviderSettings
) -> TokenSet:
    """An app-level token for platforms without per-user links."""
    params: Params = {"grant_type": "client_credentials", "scope": scope_of(spec, client)}
    try:
        return await request_token(http, spec, client, params)
    except TokenRejected as rejected:
        name = spec.display_name
        raise ClientRefused(_rejection(rejected), rejected.error, name=name) from rejected


async def request_token(
    http: httpx.AsyncClient,
    spec: ProviderSpec,
    client: ProviderSettings,
    params: Params,
    *,
    limits: Limits = TOKEN_LIMITS,
) -> TokenSet:
    """POST to the token endpoint, encoded and authenticated as the spec says.

    Sent again only when the connection never opened (a code or a rotating refresh token must
    not be presented twice); every attempt has the limits' timeouts, and all of them its total."""
    params, headers = CLIENT_AUTH[spec.client_auth](params, client)
    request: dict[str, Any] = ENCODERS[spec.token_encoding](params)
    request |= {"headers": {"Accept": "application/json", **headers}, "timeout": limits.timeout}
    url = token_url(spec, client)
    with metrics.platform_call(spec.name, TOKEN_OPERATION) as status:
        try:
            response = await tasks.within(limits.total, _post(http, url, request, limits))
        except (httpx.RequestError, TimeoutError) as error:
            log.warning("token request to %s failed: %s", spec.name, type(error).__name__)
            status.append(metrics.failure(error))
            raise ProviderUnavailable(
                "token_unanswered",
                may_have_landed=not isinstance(error, NOT_SENT),
                name=spec.display_name,
            ) from error
        status.append(metrics.status_class(response.status_code))
    return read_token(spec, _token_body(spec, response))


async def _post(
    http: httpx.AsyncClient, url: str, request: dict[str, Any], limits: Limits
) -> httpx.Response:
    """The token request, sent again only while the connection never opened."""
    async for attempt in limits.retrying(NOT_SENT):
        with attempt:
            return await http.post(url, **request)
    raise AssertionError("stamina ends with an answer or an exception")


def _token_body(spec: ProviderSpec, response: httpx.Response) -> Mapping[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code == 200 and isinstance(body, Mapping):
        return body
    error = body.get("error") if isinstance(body, Mapping) else None
    log.warning("token request to %s answered %s (%s)", spec.name, response.status_code, error)
    if response.status_code in UNAVAILABLE or response.status_code >= 500:
        raise ProviderUnavailable(
            "token_unavailable", may_have_landed=False, name=spec.display_name
        )
    raise TokenRejected(error if isinstance(error, str) else None, response.status_code)


def _rejection(rejected: TokenRejected) -> Reason:
    """Whose fault a refused token request is: the app's credentials, or the sign-in."""
    if rejected.error == "invalid_client" or rejected.status == 401:
        return "client_rejected"
    return "sign_in_rejected"
