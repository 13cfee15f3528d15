"""The page's requests: JSON in, JSON out, always on behalf of a demo person."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from sandbox.payloads import Actor
from sandbox.people import BY_SLACK_ID

Json = dict[str, Any]


def refused(status: int, error: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": error}, status_code=status)


def answered(error: str = "", **extra: Any) -> JSONResponse:
    """The outcome of something the page asked for ("" when it went fine)."""
    return JSONResponse({"ok": not error, "error": error} | extra)


def actor_of(user_id: object) -> Actor | None:
    """Only the demo people can use the page."""
    return Actor(user_id) if isinstance(user_id, str) and user_id in BY_SLACK_ID else None


async def page_request(request: Request) -> tuple[Actor, Json] | JSONResponse:
    """The demo person acting and the request's JSON object; or the refusal to answer."""
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return refused(400, "the body must be a JSON object")
    if not isinstance(body, dict):
        return refused(400, "the body must be a JSON object")
    actor = actor_of(body.get("user"))
    if actor is None:
        return refused(403, "unknown user: pick one of the demo people")
    return actor, body


def response_url(request: Request, key: str) -> str:
    """The response_url for `key`, on this (the simulated Slack's) host."""
    return f"{str(request.base_url).rstrip('/')}/response/{key}"
