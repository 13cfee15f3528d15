"""The token endpoint's wire formats, as tables keyed by ProviderSpec fields."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from bot.errors import OAuthFailure
from bot.models import TokenSet
from bot.providers.base import ClientAuth, ExpiryStyle, ProviderSpec, TokenEncoding
from bot.settings import ProviderSettings

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
