"""Helpers for driving the bot as Slack would: signed bodies, payloads, polling."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from urllib.parse import urlencode

import redis

T = TypeVar("T")
POLL_INTERVAL = 0.02
FORM = "application/x-www-form-urlencoded"


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Headers of a Slack request signed (v0, HMAC-SHA256) with `secret`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": FORM,
    }


def _trigger_id() -> str:
    """A trigger_id shaped like Slack's."""
    return f"{secrets.randbelow(10**10)}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"


def slash_command(
    command: str,
    text: str,
    *,
    user_id: str,
    team_id: str = "T1",
    channel_id: str = "C1",
    response_url: str,
) -> bytes:
    """The form body Slack posts for a slash command."""
    fields = {
        "token": "deprecated-verification-token",
        "team_id": team_id,
        "team_domain": "fake-team",
        "channel_id": channel_id,
        "channel_name": "general",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A_KUDOS",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": _trigger_id(),
    }
    return urlencode(fields).encode()


def block_action(
    action_id: str,
    value: str,
    *,
    user_id: str,
    team_id: str = "T1",
    channel_id: str = "C1",
    response_url: str,
    selected_option_value: str | None = None,
    block_id: str = "b1",
    selected_options: list[str] | None = None,
    select_type: str = "static_select",
) -> bytes:
    """The form body (`payload=<json>`) Slack posts when a button or select is used."""
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id, "value": value}
    action |= {"type": "button", "action_ts": f"{time.time():.6f}"}
    if selected_option_value is not None:
        action = {k: v for k, v in action.items() if k != "value"}
        action |= {"type": select_type, "selected_option": {"value": selected_option_value}}
    if selected_options is not None:
        action = {k: v for k, v in action.items() if k != "value"}
        action |= {
            "type": "checkboxes",
            "selected_options": [{"value": v} for v in selected_options],
        }
    payload = {
        "type": "block_actions",
        "api_app_id": "A_KUDOS",
        "token": "deprecated-verification-token",
        "user": {"id": user_id, "team_id": team_id, "username": user_id.lower()},
        "team": {"id": team_id, "domain": "fake-team"},
        "channel": {"id": channel_id, "name": "general"},
        "container": {"type": "message", "is_ephemeral": True, "channel_id": channel_id},
        "response_url": response_url,
        "trigger_id": _trigger_id(),
        "actions": [action],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def _timed_out(timeout: float, predicate: Callable[..., Any]) -> AssertionError:
    """The error raised when a condition never became true."""
    name = getattr(predicate, "__name__", repr(predicate))
    return AssertionError(f"condition {name} still false after {timeout} s")


def wait_until(predicate: Callable[[], T | None], timeout: float = 10.0) -> T:
    """Poll `predicate` every 20 ms until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise _timed_out(timeout, predicate)
        time.sleep(POLL_INTERVAL)


async def async_wait_until(predicate: Callable[[], T | None], within: float = 10.0) -> T:
    """Like wait_until, but yields to the event loop between polls."""
    deadline = time.monotonic() + within
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise _timed_out(within, predicate)
        await asyncio.sleep(POLL_INTERVAL)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def flatten(value: object) -> Iterator[bytes]:
    """Every bytes string inside a Redis reply, however nested."""
    if isinstance(value, bytes):
        yield value
    elif isinstance(value, dict):
        for pair in value.items():
            yield from flatten(pair)
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from flatten(item)
    elif value is not None:
        yield str(value).encode()


def stored(client: redis.Redis) -> list[bytes]:
    """Every key and every value in Redis, read whole by type (a DUMP may be compressed)."""
    readers: dict[bytes, Callable[[str], object]] = {
        b"string": client.get,
        b"hash": client.hgetall,
        b"list": lambda key: client.lrange(key, 0, -1),
        b"set": client.smembers,
        b"zset": lambda key: client.zrange(key, 0, -1),
        b"stream": client.xrange,
    }
    found: list[bytes] = []
    for key in client.scan_iter("*"):
        kind = client.type(key)
        assert kind in readers, f"{key!r} is a {kind!r}"
        found += [key, *flatten(readers[kind](key.decode()))]
    return found
