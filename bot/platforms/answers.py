"""A platform's failed answer → the typed error, with the facts its words need.

Nothing the platform sent is repeated to users: the facts are our own display name, the HTTP
status, a wait in seconds, and a scope name only when it looks like one (the words are in
handlers/words.py)."""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from datetime import UTC
from typing import Any

import httpx

from bot.errors import (
    KudosError,
    PermissionMissing,
    ProviderError,
    ProviderUnauthorized,
    ProviderUnavailable,
    RateLimited,
    UnreadableAnswer,
)
from bot.platforms.limits import NOT_SENT

BUSY = frozenset({429, 503})  # the platform turned the request away: it took no effect
DELTA_SECONDS = re.compile(r"\d{1,9}(?:\.\d{1,6})?")  # integers per RFC 9110; fractions tolerated
SCOPE_TOKEN = re.compile(r"[A-Za-z0-9_.:/*+=-]{1,80}")
HEADER_SCOPE = re.compile(r'\bscope="([^"]*)"', re.IGNORECASE)
BODY_SCOPE_FIELDS = ("required_scope", "required_scopes", "scope", "scopes")
MAX_SCOPES = 6


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta seconds or an HTTP date); None: unusable."""
    if value is None:
        return None
    value = value.strip()
    if DELTA_SECONDS.fullmatch(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": UTC with no claim about the local zone
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def retry_after(response: httpx.Response) -> float | None:
    """The wait a 429/503 answer asks for; other statuses' Retry-After is ignored."""
    if response.status_code not in BUSY:
        return None
    return parse_retry_after(response.headers.get("retry-after"))


def _scopes(value: Any) -> str | None:
    """Scope names from a header or body value, or None unless every one looks like a scope."""
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(items, list) or not 0 < len(items) <= MAX_SCOPES:
        return None
    if not all(isinstance(item, str) and SCOPE_TOKEN.fullmatch(item) for item in items):
        return None
    return " ".join(items)


def required_scope(response: httpx.Response) -> str | None:
    """The scope a 403 names: `WWW-Authenticate: Bearer … scope="…"` or a JSON body field."""
    found = HEADER_SCOPE.search(response.headers.get("www-authenticate", ""))
    if found and (scope := _scopes(found.group(1))):
        return scope
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, Mapping):
        return None
    for field in BODY_SCOPE_FIELDS:
        if scope := _scopes(body.get(field)):
            return scope
    return None


def forbidden(name: str, response: httpx.Response, configured: str) -> PermissionMissing:
    return PermissionMissing(name, required_scope(response), configured)


def unconfirmed(name: str) -> ProviderUnavailable:
    """A change was sent and no clear answer came back: it may or may not have happened."""
    return ProviderUnavailable("platform_unconfirmed", may_have_landed=True, name=name)


def away(name: str) -> ProviderUnavailable:
    """Not answering, and certainly nothing took effect."""
    return ProviderUnavailable("platform_away", may_have_landed=False, name=name)


def answer_error(name: str, response: httpx.Response, safe: bool, scope: str) -> KudosError:
    """The error for a non-2xx answer; `safe` says whether repeating the request is harmless."""
    status = response.status_code
    if status == 401:
        return ProviderUnauthorized("platform_unauthorized", name=name)
    if status == 403:
        return forbidden(name, response, scope)
    wait = retry_after(response)
    if status == 429 or wait is not None:
        return RateLimited(name, wait)
    if status >= 500 or status < 400:
        if safe or status == 503:
            return away(name)
        return unconfirmed(name)
    return ProviderError("platform_refused", name=name, status=status, safe=safe)


def unreadable(name: str, safe: bool) -> KudosError:
    """A 2xx whose body is not JSON: for a change, it may have happened all the same."""
    if not safe:
        return unconfirmed(name)
    return UnreadableAnswer("platform_unreadable", name=name)


def unreachable(name: str, error: Exception, safe: bool) -> ProviderUnavailable:
    """No answer at all: a connection, timeout or protocol failure, or the deadline passed."""
    if safe or isinstance(error, NOT_SENT):
        return away(name)
    return unconfirmed(name)
