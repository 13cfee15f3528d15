"""One access line per HTTP request that no route logs itself (see bot/slack/routes.py)."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("bot.access")
NOT_ANSWERED = 500  # what the server sends for an app that ends without a response


class AccessLines:
    """ASGI middleware: `client "METHOD /path HTTP/1.1" status`, as uvicorn's access log wrote,
    without the query string (an OAuth callback's carries its code and state). Slack's requests
    never reach it: their route logs one richer line (kind, listener, outcome, duration), and
    uvicorn's access log, which would add a second line to each, is off (bot/__main__.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = [NOT_ANSWERED]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if log.isEnabledFor(logging.INFO):
                log.info("%s %s", _client(scope), _line(scope, status[0]))


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "-"


def _line(scope: Scope, status: int) -> str:
    return f'"{scope["method"]} {scope["path"]} HTTP/{scope["http_version"]}" {status}'
