"""Reading platform JSON defensively: a missing or mistyped field is absent, not a crash."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.errors import ProviderError


def obj(value: Any) -> Mapping[str, Any]:
    """`value` if it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def objects(value: Any) -> list[Mapping[str, Any]]:
    """The JSON objects in `value` if it is a list, else none."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """A string or number as text; anything else is absent."""
    if isinstance(value, bool) or value is None:
        return None
    return str(value) if isinstance(value, str | int | float) else None


def full_name(first: Any, last: Any, fallback: Any = None) -> str:
    name = f"{text(first) or ''} {text(last) or ''}".strip()
    return name or text(fallback) or "someone"


def require_object(body: Any, platform: str) -> Mapping[str, Any]:
    """A response body that must be a JSON object."""
    if not isinstance(body, Mapping):
        raise ProviderError("answer_unreadable", name=platform)
    return body


def created_at(value: Any) -> float | None:
    """An ISO 8601 date-time as UNIX time (UTC when it names no zone); None if it isn't one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
