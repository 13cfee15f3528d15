"""bot/accounts/oauth.py, the pure parts: authorize URLs, state, token responses."""

from __future__ import annotations

import base64
import hashlib
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from packaging.requirements import Requirement
from pydantic import SecretStr

from bot.accounts import oauth
from bot.accounts.token_formats import TEN_YEARS, read_token
from bot.errors import OAuthFailure
from bot.platforms.providers.achievers import SPEC
from bot.platforms.spec import ProviderSpec
from bot.settings import ProviderSettings
from handlers.words import said

BASE = "https://example.sandbox.achievers.com"
CLIENT = ProviderSettings(base_url=BASE, client_id="cid", client_secret=SecretStr("s3cret"))
REDIRECT = "https://bot.example/oauth/achievers/callback"
NOW = 1_000_000.0


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_authorize_url_for_achievers() -> None:
    url = oauth.authorize_url(SPEC, CLIENT, REDIRECT, "st-1")
    assert url.startswith(f"{BASE}/oauth/v2/openIDConnectClient/authorize?")
    assert query_of(url) == {
        "response_type": ["code"],
        "client_id": ["cid"],
        "scope": ["read write"],
        "state": ["st-1"],
    }


def test_authorize_url_sends_redirect_uri_when_the_spec_says_so() -> None:
    url = oauth.authorize_url(replace(SPEC, send_redirect_uri=True), CLIENT, REDIRECT, "st-1")
    assert query_of(url)["redirect_uri"] == [REDIRECT]


def test_authorize_url_with_pkce() -> None:
    verifier = oauth.new_code_verifier()
    url = oauth.authorize_url(replace(SPEC, pkce=True), CLIENT, REDIRECT, "st-1", verifier)
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert query_of(url)["code_challenge"] == [digest.decode()]
    assert query_of(url)["code_challenge_method"] == ["S256"]
    assert verifier not in url
    assert 43 <= len(verifier) <= 128
    assert "code_challenge" not in oauth.authorize_url(SPEC, CLIENT, REDIRECT, "st-1")


def test_new_state_has_at_least_128_random_bits() -> None:
    states = {oauth.new_state() for _ in range(50)}
    assert len(states) == 50
    assert all(len(base64.urlsafe_b64decode(s + "==")) >= 16 for s in states)


SECONDS, CREATED = replace(SPEC, expiry="seconds"), replace(SPEC, expiry="created_at")
EXPIRY: list[tuple[ProviderSpec, dict[str, Any], float | None]] = [
    (SPEC, {"expires_in": 1_512_930_181}, 1_512_930_181.0),  # Achievers: a UNIX timestamp
    (SPEC, {"expires_in": 3600}, NOW + 3600),  # Achievers: seconds
    (SPEC, {"expires_in": TEN_YEARS}, NOW + TEN_YEARS),  # the boundary is still seconds
    (SPEC, {"expires_in": TEN_YEARS + 1}, TEN_YEARS + 1.0),
    (SPEC, {}, None),
    (SECONDS, {"expires_in": 36000}, NOW + 36000),
    (SECONDS, {"expires_in": 1_512_930_181}, NOW + 1_512_930_181),
    (CREATED, {"expires_in": 1_209_600, "created_at": 1_600_000_000}, 1_601_209_600.0),
    (CREATED, {"expires_in": 1_209_600}, NOW + 1_209_600),
]


@pytest.mark.parametrize(("spec", "body", "expires_at"), EXPIRY)
def test_read_token_expiry(spec: ProviderSpec, body: dict[str, Any], expires_at: float) -> None:
    token = read_token(spec, {"access_token": "at", **body}, now=NOW)
    assert token.expires_at == expires_at


def test_read_token_fields() -> None:
    body = {"access_token": "AT-secret", "refresh_token": "RT-secret", "scope": "read write"}
    token = read_token(SPEC, body, now=NOW)
    assert (token.access_token, token.refresh_token, token.scope) == (
        "AT-secret",
        "RT-secret",
        "read write",
    )
    assert "secret" not in repr(token)


@pytest.mark.parametrize(
    "body", [{}, {"access_token": ""}, {"access_token": None}, {"access_token": 12}]
)
def test_read_token_without_access_token(body: dict[str, Any]) -> None:
    with pytest.raises(OAuthFailure) as raised:
        read_token(SPEC, body)
    assert "did not return a usable token" in said(raised.value)


def test_authlib_pin_excludes_the_releases_that_encoded_client_credentials_themselves() -> None:
    """Authlib 1.3.0/1.3.1 form-encoded the Basic credentials (reverted in 1.3.2): ours doubled."""
    project = tomllib.loads((Path(__file__).parents[3] / "pyproject.toml").read_text())
    pins = [Requirement(d) for d in project["project"]["dependencies"]]
    authlib = next(pin for pin in pins if pin.name == "authlib")
    assert not authlib.specifier.contains("1.3.1") and authlib.specifier.contains("1.3.2")
