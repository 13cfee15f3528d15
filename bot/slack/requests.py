"""Slack's HTTP requests handed to Bolt, less one misreading of Bolt's; each one counted,
timed and logged once (`observed`).

Bolt reads any form body containing the word "payload" as an interactive payload (its
`parse_body` looks for the word anywhere), so `/recognize @ana for the payload fix` reached no
listener. Here a form body is read as a payload only when it has a `payload` field."""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.adapter.starlette.async_handler import to_starlette_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from starlette.requests import Request
from starlette.responses import Response

from bot.errors import StoreUnavailable
from bot.slack.workspaces import unavailable_page
from bot.telemetry import logs, metrics

log = logging.getLogger(__name__)
# An interactive payload's `type` → the request's kind (bounded: a metrics label).
KIND_OF_TYPE = {
    "block_actions": "action",
    "interactive_message": "action",
    "view_submission": "view",
    "view_closed": "view",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "event_callback": "event",
    "url_verification": "event",
    "block_suggestion": "options",
    "dialog_suggestion": "options",
}


@dataclass(slots=True)
class Seen:
    """What one request was and how it ended; its log fields are shared with its lazy work."""

    fields: logs.RequestFields
    kind: str = "other"
    outcome: str = "error"  # unless the route says otherwise: it raised
    started: float = field(default_factory=time.perf_counter)


@contextmanager
def observed() -> Iterator[Seen]:
    """Count and time the request (`kudos_slack_*`) and log one line when it is answered."""
    seen = Seen(logs.RequestFields(logs.new_request_id()))
    token = logs.CURRENT.set(seen.fields)
    try:
        yield seen
    finally:
        elapsed = time.perf_counter() - seen.started
        metrics.slack_request(seen.kind, seen.outcome, elapsed)
        if log.isEnabledFor(logging.INFO):
            _log_answered(seen, elapsed)
        logs.CURRENT.reset(token)


def _log_answered(seen: Seen, elapsed: float) -> None:
    """The request's one line: with LOG_FORMAT=json, its kind, outcome and duration as fields."""
    extra = {"kind": seen.kind, "outcome": seen.outcome, "duration_ms": round(elapsed * 1000, 1)}
    listener = seen.fields.listener or "-"
    log.info("slack %s %s: %s", seen.kind, listener, seen.outcome, extra=extra)


def describe(seen: Seen, request: AsyncBoltRequest) -> None:
    """The request's kind, listener, team and (hashed) user, from its parsed body."""
    body: Mapping[str, Any] = request.body
    if "command" in body:
        seen.kind, listener = "command", body.get("command")
    else:
        seen.kind = KIND_OF_TYPE.get(str(body.get("type")), "other")
        listener = _listener(body)
    fields = seen.fields
    fields.listener = str(listener)[:64] if listener else None
    fields.team = request.context.team_id
    user = request.context.user_id
    fields.user = logs.user_hash(user) if user else None


def _listener(body: Mapping[str, Any]) -> Any:
    """An action's id (a menu's options too, even inside a modal), a view's or shortcut's
    callback id, an event's type."""
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], Mapping):
        return actions[0].get("action_id")
    if body.get("type") == "block_suggestion":
        return body.get("action_id")
    view = body.get("view")
    if isinstance(view, Mapping) and "callback_id" in view:
        return view.get("callback_id")
    event = body.get("event")
    if isinstance(event, Mapping):
        return event.get("type")
    return body.get("callback_id") or body.get("action_id") or body.get("type")


class SlackRequest(AsyncBoltRequest):
    """An AsyncBoltRequest whose form body is read by its fields (copies for lazy listeners too)."""

    _fresh = False  # built by `to_copyable`, not yet handed to a lazy listener

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.mode == "http" and self.body == {} and _plain_form(self.raw_body):
            self.body = dict(parse_qsl(self.raw_body, keep_blank_values=True))
            context = AsyncBoltContext(kwargs.get("context") or {})
            self.context = build_async_context(context, self.body)

    def to_copyable(self) -> SlackRequest:
        copied = SlackRequest(
            body=self.raw_body if self.mode == "http" else self.body,
            query=self.query,
            headers=self.headers,
            context=self.context.to_copyable(),
            mode=self.mode,
        )
        copied._fresh = True
        return copied

    def __deepcopy__(self, memo: dict[int, Any]) -> SlackRequest:
        """Bolt deep-copies, for each lazy listener, the copy `to_copyable` has just built from
        the raw body: that copy is handed over as it is (a tenth of a burst's CPU went to it)."""
        if self.__dict__.pop("_fresh", False):
            return self
        copied = SlackRequest.__new__(SlackRequest)
        memo[id(self)] = copied
        copied.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return copied


def _plain_form(raw: str) -> bool:
    """A form body (not JSON) with fields, none of them `payload`."""
    if not raw or raw.startswith("{"):
        return False
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    return bool(fields) and "payload" not in fields


async def dispatch(app: AsyncApp, request: Request, seen: Seen) -> Response:
    """POST /slack/events through Bolt (signature checks, listeners, ack)."""
    body = (await request.body()).decode("utf-8")
    headers = dict(request.headers)
    bolt_request = SlackRequest(body=body, query=str(request.query_params), headers=headers)
    describe(seen, bolt_request)
    return to_starlette_response(await app.async_dispatch(bolt_request))


async def install_step(flow: AsyncOAuthFlow, request: Request) -> Response:
    """GET /slack/install (a state and its cookie, then Slack) or /slack/oauth_redirect."""
    bolt_request = AsyncBoltRequest(
        body="", query=str(request.query_params), headers=dict(request.headers)
    )
    try:
        if request.url.path == flow.install_path:
            return to_starlette_response(await flow.handle_installation(bolt_request))
        return to_starlette_response(await flow.handle_callback(bolt_request))
    except StoreUnavailable as error:  # the state is kept in Redis
        return to_starlette_response(unavailable_page(error))
