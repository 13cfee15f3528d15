"""The floor: a bare Bolt AsyncApp on the bot's server stack, acking constants.

`python -m bench.bare`, with the bot's environment (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN,
SLACK_API_URL, HOST, PORT). Same stack as `python -m bot`: `AsyncSlackRequestHandler` at
POST /slack/events in Starlette, served by `uvicorn.run` with the bot's arguments but uvicorn's
access log on: one line a request, as the bot logs its own one line for each Slack request.
Bolt verifies every request's signature; `/kudos` and
`/recognize` answer `ack("ok")`, every block action a bare `ack()`. Like the bot, it sends
the token to `auth.test` (the Slack fake) once, on the first request, and keeps the answer.

With BENCH_BARE_READ=1 (the `bare+read` floor) `/kudos` first does the work `/kudos status`
can't do without, so the bot's cost splits into the read and its own code: one GET of the
sender's link record (REDIS_URL, one shared client), opened with the bot's TokenCipher
(TOKEN_ENCRYPTION_KEYS). GET /reads counts what the reads found: a floor reading nothing fails."""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import uvicorn
from redis.asyncio import Redis
from redis.driver_info import DriverInfo
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.accounts.crypto import TokenCipher, parse_keys
from bot.errors import TokenUnreadable
from bot.models import Owner
from bot.store.keys import link_key

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # the bot's format
PROVIDER = "achievers"  # the one platform the bench enables (testkit/bot_env.py)
READ = "BENCH_BARE_READ"


async def ack_constant(ack: AsyncAck) -> None:
    await ack("ok")


async def ack_empty(ack: AsyncAck) -> None:
    await ack()


def reading(env: Mapping[str, str], reads: Counter[str]) -> Callable[..., Awaitable[None]]:
    """`/kudos` for `bare+read`: the status read, counted in `reads`, then the constant ack. The
    owner is the command's team and user, as the bot's Actor has it (no org-wide install here)."""
    # DriverInfo made once, as the bot does: redis-py's reads package metadata per connection
    redis = Redis.from_url(env["REDIS_URL"], driver_info=DriverInfo())
    cipher = TokenCipher(parse_keys(env["TOKEN_ENCRYPTION_KEYS"]))

    async def ack_read(ack: AsyncAck, body: dict[str, Any]) -> None:
        owner = Owner(body["team_id"], body["user_id"], PROVIDER)
        blob = await redis.get(link_key(owner))
        try:
            if blob is not None:
                cipher.open(owner, blob)  # decrypt, check the owner sealed inside: as the bot
        except TokenUnreadable:
            reads["unreadable"] += 1
        else:
            reads["missing" if blob is None else "found"] += 1
        await ack("ok")

    return ack_read


def build_bolt(env: Mapping[str, str], reads: Counter[str] | None = None) -> AsyncApp:
    client = AsyncWebClient(token=env["SLACK_BOT_TOKEN"], base_url=env["SLACK_API_URL"])
    app = AsyncApp(
        signing_secret=env["SLACK_SIGNING_SECRET"],
        client=client,
        request_verification_enabled=True,
        process_before_response=False,
    )
    app.command("/kudos")(ack_constant if reads is None else reading(env, reads))
    app.command("/recognize")(ack_constant)
    app.action(re.compile(".*"))(ack_empty)
    return app


def build_app(env: Mapping[str, str]) -> Starlette:
    reads: Counter[str] | None = Counter() if env.get(READ) == "1" else None
    handler = AsyncSlackRequestHandler(build_bolt(env, reads))

    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def read_counts(request: Request) -> Response:
        return JSONResponse(dict(reads or {}))

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/reads", read_counts, methods=["GET"]),  # {} unless BENCH_BARE_READ=1
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
