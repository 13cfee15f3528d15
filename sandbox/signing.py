"""Requests to the bot signed exactly as Slack signs them (v0, HMAC-SHA256), in Slack's bodies."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`v0=` + the hex HMAC-SHA256 of `v0:{timestamp}:{body}` under the signing secret."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: bytes, content_type: str, timestamp: int | None = None
) -> dict[str, str]:
    """The headers Slack sends with a request whose body is `body`."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(secret, stamp, body),
    }


def command_body(fields: Mapping[str, str]) -> bytes:
    """A slash command: its fields as a form body."""
    return urlencode(dict(fields)).encode()


def interaction_body(payload: Mapping[str, Any]) -> bytes:
    """Interactivity (actions, views, shortcuts): `payload=<json>` as a form body."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def event_body(envelope: Mapping[str, Any]) -> bytes:
    """An Events API delivery: the `event_callback` envelope as JSON."""
    return json.dumps(envelope).encode()


def trigger_id() -> str:
    """A trigger_id shaped like Slack's."""
    return f"{secrets.randbelow(10**13)}.{secrets.randbelow(10**13)}.{secrets.token_hex(16)}"
