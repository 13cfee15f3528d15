"""The token endpoint's wire formats, as tables keyed by ProviderSpec fields."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote_plus

from authlib.oauth2.auth import ClientAuth as OAuthClientAuth

from bot.errors import OAuthFailure
from bot.models import TokenSet
from bot.platforms.client import ProviderSettings
from bot.platforms.spec import ClientAuth, ExpiryStyle, ProviderSpec, TokenEncoding

TEN_YEARS = 10 * 365 * 24 * 3600
Params = dict[str, str]


# How the token request carries its parameters: a table keyed by the spec's `token_encoding`.
ENCODERS: dict[TokenEncoding, Callable[[Params], dict[str, Any]]] = {
    "json": lambda params: {"json": params},
    "form": lambda params: {"data": params},
    "query": lambda params: {"params": params},
}


def _secret(client: ProviderSettings) -> str:
    return client.client_secret.get_secret_value() if client.client_secret else ""


Headers = dict[str, str]


def _auth_in_body(params: Params, client: ProviderSettings) -> tuple[Params, Headers]:
    """The body's own encoding (JSON, form or query) carries the credentials."""
    return {**params, "client_id": client.client_id or "", "client_secret": _secret(client)}, {}


def _auth_basic(params: Params, client: ProviderSettings) -> tuple[Params, Headers]:
    """RFC 6749 §2.3.1: id and secret are form-encoded, then joined and base64-encoded.

    Authlib builds the header but leaves the encoding to its caller (its fix was reverted)."""
    client_id, secret = (
        quote_plus(text, safe="") for text in (client.client_id or "", _secret(client))
    )
    basic = OAuthClientAuth(client_id, secret, "client_secret_basic")
    _, headers, _ = basic.prepare("POST", "", {}, "")
    return params, dict(headers)


# How the client authenticates itself: a table keyed by the spec's `client_auth` (RFC 7591 names).
CLIENT_AUTH: dict[ClientAuth, Callable[[Params, ProviderSettings], tuple[Params, Headers]]] = {
    "client_secret_post": _auth_in_body,
    "client_secret_basic": _auth_basic,
}


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
    """`expires_in` documented both as seconds and as a UNIX timestamp (one platform does)."""
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
        raise OAuthFailure("token_unusable", name=spec.display_name)
    refresh = body.get("refresh_token")
    return TokenSet(
        access_token=access,
        refresh_token=refresh if isinstance(refresh, str) else None,
        expires_at=EXPIRY_READERS[spec.expiry](body, time.time() if now is None else now),
        scope=body.get("scope") if isinstance(body.get("scope"), str) else None,
    )
