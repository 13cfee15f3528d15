"""OAuth 2.0 client pieces driven by a ProviderSpec: authorize URL, code exchange, tokens."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from bot.errors import GrantRevoked, OAuthFailure, ProviderError, ProviderUnavailable
from bot.models import TokenSet
from bot.providers.base import ClientAuth, ExpiryStyle, ProviderSpec, TokenEncoding
from bot.settings import ProviderSettings

log = logging.getLogger(__name__)

TEN_YEARS = 10 * 365 * 24 * 3600
Params = dict[str, str]


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


def scope_of(spec: ProviderSpec, client: ProviderSettings) -> str:
    """The configured scope (or the spec's), `{entity_id}` filled in, joined as the spec says."""
    scope = (client.scope or spec.default_scope).format(entity_id=client.entity_id or "")
    return spec.scope_separator.join(scope.replace(",", " ").split())


# How the token request carries its parameters: a table keyed by the spec's `token_encoding`.
ENCODERS: dict[TokenEncoding, Callable[[Params], dict[str, Any]]] = {
    "json": lambda params: {"json": params},
    "form": lambda params: {"data": params},
    "query": lambda params: {"params": params},
}


def _secret(client: ProviderSettings) -> str:
    return client.client_secret.get_secret_value() if client.client_secret else ""


def _auth_in_body(params: Params, client: ProviderSettings) -> tuple[Params, httpx.Auth | None]:
    return {**params, "client_id": client.client_id or "", "client_secret": _secret(client)}, None


def _auth_basic(params: Params, client: ProviderSettings) -> tuple[Params, httpx.Auth | None]:
    return params, httpx.BasicAuth(client.client_id or "", _secret(client))


CLIENT_AUTH: dict[
    ClientAuth, Callable[[Params, ProviderSettings], tuple[Params, httpx.Auth | None]]
]
CLIENT_AUTH = {"client_secret_post": _auth_in_body, "client_secret_basic": _auth_basic}


def _number(value: Any) -> float | None:
    """A JSON number, or a string holding one."""
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _expiry_seconds(body: Mapping[str, Any], now: float) -> float | None:
    lifetime = _number(body.get("expires_in"))
    return None if lifetime is None else now + lifetime


def _expiry_seconds_or_epoch(body: Mapping[str, Any], now: float) -> float | None:
    """Achievers documents `expires_in` both as seconds and as a UNIX timestamp."""
    value = _number(body.get("expires_in"))
    if value is None:
        return None
    return value if value > TEN_YEARS else now + value


def _expiry_created_at(body: Mapping[str, Any], now: float) -> float | None:
    created, lifetime = _number(body.get("created_at")), _number(body.get("expires_in"))
    if created is not None and lifetime is not None:
        return created + lifetime
    return _expiry_seconds(body, now)


EXPIRY_READERS: dict[ExpiryStyle, Callable[[Mapping[str, Any], float], float | None]] = {
    "seconds": _expiry_seconds,
    "seconds_or_epoch": _expiry_seconds_or_epoch,
    "created_at": _expiry_created_at,
}


def read_token(spec: ProviderSpec, body: Mapping[str, Any], now: float | None = None) -> TokenSet:
    """A token response as a TokenSet with an absolute expiry."""
    access = body.get("access_token")
    if not isinstance(access, str) or not access:
        raise OAuthFailure(
            "Link failed", f"{spec.display_name} did not return a usable token. Please try again."
        )
    refresh = body.get("refresh_token")
    return TokenSet(
        access_token=access,
        refresh_token=refresh if isinstance(refresh, str) else None,
        expires_at=EXPIRY_READERS[spec.expiry](body, time.time() if now is None else now),
        scope=body.get("scope") if isinstance(body.get("scope"), str) else None,
    )


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
    """Authorization code → tokens; any failure is an `OAuthFailure` for the callback page."""
    params: Params = {"grant_type": "authorization_code", "code": code}
    if spec.send_redirect_uri:
        params["redirect_uri"] = redirect_uri
    if spec.scope_in_token:
        params["scope"] = scope_of(spec, client)
    if code_verifier is not None:
        params["code_verifier"] = code_verifier
    try:
        return await request_token(http, spec, client, params)
    except ProviderUnavailable as error:
        raise OAuthFailure("Link failed", error.user_message) from error
    except TokenRejected as rejected:
        raise OAuthFailure("Link failed", _rejection(spec, rejected)) from rejected


async def refresh(
    http: httpx.AsyncClient, spec: ProviderSpec, client: ProviderSettings, refresh_token: str
) -> TokenSet:
    """A refresh grant; a refused refresh token raises `GrantRevoked`."""
    params: Params = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    try:
        return await request_token(http, spec, client, params)
    except TokenRejected as rejected:
        if rejected.error == "invalid_grant":
            message = f"{spec.display_name} ended your link. Link it again to continue."
            raise GrantRevoked(spec.name, message) from rejected
        raise ProviderError(_rejection(spec, rejected)) from rejected


async def client_credentials(
    http: httpx.AsyncClient, spec: ProviderSpec, client: ProviderSettings
) -> TokenSet:
    """An app-level token for platforms without per-user links."""
    params: Params = {"grant_type": "client_credentials", "scope": scope_of(spec, client)}
    try:
        return await request_token(http, spec, client, params)
    except TokenRejected as rejected:
        raise ProviderError(_rejection(spec, rejected)) from rejected


async def request_token(
    http: httpx.AsyncClient, spec: ProviderSpec, client: ProviderSettings, params: Params
) -> TokenSet:
    """POST to the token endpoint, encoded and authenticated as the spec says."""
    params, auth = CLIENT_AUTH[spec.client_auth](params, client)
    request: dict[str, Any] = ENCODERS[spec.token_encoding](params)
    headers = {"Accept": "application/json"}
    url = f"{client.base_url}{spec.token_path}"
    try:
        response = await http.post(
            url, headers=headers, auth=auth or httpx.USE_CLIENT_DEFAULT, **request
        )
    except httpx.TransportError as error:
        log.warning("token request to %s failed: %s", spec.name, type(error).__name__)
        raise ProviderUnavailable(
            f"{spec.display_name} didn't answer. Please try again shortly."
        ) from error
    return read_token(spec, _token_body(spec, response))


def _token_body(spec: ProviderSpec, response: httpx.Response) -> Mapping[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code == 200 and isinstance(body, Mapping):
        return body
    error = body.get("error") if isinstance(body, Mapping) else None
    log.warning("token request to %s answered %s (%s)", spec.name, response.status_code, error)
    raise TokenRejected(error if isinstance(error, str) else None, response.status_code)


def _rejection(spec: ProviderSpec, rejected: TokenRejected) -> str:
    if rejected.error == "invalid_client" or rejected.status == 401:
        return (
            f"{spec.display_name} did not accept this app's client credentials. "
            "Please tell your Slack admin."
        )
    return f"{spec.display_name} did not accept the sign-in. Run /kudos link in Slack to try again."
