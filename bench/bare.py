"""The floor: a bare Bolt AsyncApp on the bot's server stack, acking constants.

`python -m bench.bare`, with the bot's environment (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN,
SLACK_API_URL, HOST, PORT). Same stack as `python -m bot`: `AsyncSlackRequestHandler` at
POST /slack/events in Starlette, served by `uvicorn.run` with the bot's arguments (access log
on, written to stdout like the bot's). Bolt verifies every request's signature; `/kudos` and
`/recognize` answer `ack("ok")`, every block action a bare `ack()`. Like the bot, it sends
the token to `auth.test` (the Slack fake) once, on the first request, and keeps the answer."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping

import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # the bot's format


async def ack_constant(ack: AsyncAck) -> None:
    await ack("ok")


async def ack_empty(ack: AsyncAck) -> None:
    await ack()


def build_bolt(env: Mapping[str, str]) -> AsyncApp:
    client = AsyncWebClient(token=env["SLACK_BOT_TOKEN"], base_url=env["SLACK_API_URL"])
    app = AsyncApp(
        signing_secret=env["SLACK_SIGNING_SECRET"],
        client=client,
        request_verification_enabled=True,
        process_before_response=False,
    )
    app.command("/kudos")(ack_constant)
    app.command("/recognize")(ack_constant)
    app.action(re.compile(".*"))(ack_empty)
    return app


def build_app(env: Mapping[str, str]) -> Starlette:
    handler = AsyncSlackRequestHandler(build_bolt(env))

    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    return Starlette(routes=routes)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    for noisy in ("slack_sdk", "slack_bolt"):  # as the bot does
        logging.getLogger(noisy).setLevel(logging.WARNING)
    env = os.environ
    uvicorn.run(
        build_app(env),
        host=env.get("HOST", "127.0.0.1"),
        port=int(env.get("PORT", "3000")),
        log_config=None,
        access_log=True,
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
