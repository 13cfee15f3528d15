"""Slack's HTTP routes: every signed request handed to Bolt, and the install flow."""

from __future__ import annotations

import logging
import re

from slack_bolt.async_app import AsyncApp
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.slack.requests import dispatch, install_step, observed

log = logging.getLogger(__name__)
SLACK_EVENTS = "/slack/events"  # every signed request Slack sends (manifest.yml)
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
OUTCOME_OF_STATUS = {401: "unsigned", 404: "unhandled"}


def readable_signature(request: Request) -> bool:
    """Headers Bolt's verifier can read at all (it raises on others): ASCII digits, v0=hex."""
    stamp = request.headers.get("x-slack-request-timestamp", "")
    signature = request.headers.get("x-slack-signature", "")
    return stamp.isascii() and stamp.isdigit() and SIGNATURE.fullmatch(signature) is not None


async def slack_events(request: Request) -> Response:
    with observed() as seen:
        if not readable_signature(request):
            seen.outcome = "unsigned"
            return PlainTextResponse("invalid request", status_code=401)
        bolt: AsyncApp = request.app.state.slack
        try:
            response = await dispatch(bolt, request, seen)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
            # A signed body Bolt cannot even parse (not UTF-8, payload not JSON, odd shapes):
            # nothing ran; say so plainly rather than 5xx, which makes Slack retry it.
            log.warning("unreadable Slack request: %s", type(error).__name__)
            seen.outcome = "unreadable"
            return PlainTextResponse("unreadable request", status_code=200)
        status = response.status_code
        seen.outcome = OUTCOME_OF_STATUS.get(status, "error" if status >= 500 else "ok")
        if response.status_code == 404:  # Bolt: no listener; acknowledge, don't make Slack retry
            return PlainTextResponse("", status_code=200)
        return response


async def slack_install(request: Request) -> Response:
    """GET /slack/install and /slack/oauth_redirect: Bolt's install flow (several workspaces)."""
    flow = request.app.state.slack.oauth_flow
    if flow is None:
        return PlainTextResponse("This app is installed by its admin, not from here.", 404)
    return await install_step(flow, request)


class SlackEventsFirst:
    """ASGI middleware: `POST /slack/events` straight to `slack_events`, past Starlette's router
    and its HTTPException layer (which it never raises), about a twentieth of a status request's
    CPU (README, Performance); every other request goes on through the app. Errors still reach
    the app's last-resort handler, which sits outside every middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        slack = scope["type"] == "http" and scope["path"] == SLACK_EVENTS
        if not (slack and scope["method"] == "POST"):
            await self.app(scope, receive, send)
            return
        response = await slack_events(Request(scope, receive))
        await response(scope, receive, send)
