"""build_app: the Bolt app and the HTTP routes around it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

import handlers
from bot.services import Services
from handlers.callback import oauth_callback

log = logging.getLogger(__name__)


def build_bolt(services: Services) -> AsyncApp:
    settings = services.settings
    assert settings.slack_signing_secret is not None  # checked at start-up
    app = AsyncApp(
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        client=services.slack,
        process_before_response=False,
    )

    @app.middleware
    async def provide_services(
        context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> None:
        context.update(services.listener_context())
        await next()

    handlers.register(app)
    return app


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def slack_events(request: Request) -> Response:
    # Bolt's verifier raises on a non-numeric timestamp; refuse it as unsigned instead.
    if not request.headers.get("x-slack-request-timestamp", "").isdigit():
        return PlainTextResponse("invalid request", status_code=401)
    handler: AsyncSlackRequestHandler = request.app.state.slack
    return await handler.handle(request)


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def readyz(request: Request) -> Response:
    if await services_of(request).store.ping():
        return PlainTextResponse("ready")
    return PlainTextResponse("redis unavailable", status_code=503)


async def unexpected(request: Request, error: Exception) -> Response:
    """Last resort: a bug answers 503 with a log line, never a 500 with a stack trace."""
    log.error("unhandled error on %s", request.url.path, exc_info=error)
    return PlainTextResponse("temporarily unavailable", status_code=503)


ROUTES = [
    Route("/slack/events", slack_events, methods=["POST"]),
    Route("/oauth/{provider}/callback", oauth_callback, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
]


def build_app(services: Services) -> Starlette:
    """The ASGI app `python -m bot` serves."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        directories = asyncio.create_task(services.directory.keep_fresh())
        yield
        directories.cancel()
        await services.aclose()

    app = Starlette(routes=ROUTES, lifespan=lifespan, exception_handlers={Exception: unexpected})
    app.state.services = services
    app.state.slack = AsyncSlackRequestHandler(build_bolt(services))
    return app
