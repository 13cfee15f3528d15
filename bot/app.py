"""build_app: the Bolt app and the HTTP routes around it."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, cast

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

import handlers
from bot import logs, tasks
from bot.errors import Overloaded
from bot.outbox import Consumer
from bot.services import Services, build_services
from bot.settings import load_settings
from bot.slack_http import PooledRespond
from bot.slack_request import dispatch
from handlers.callback import oauth_callback
from handlers.delivery import tell_outcome
from handlers.errors import on_error

log = logging.getLogger(__name__)


class ProvideServices(AsyncMiddleware):
    """Hands the services to listeners through the context. A class, not a function: Bolt
    builds every injectable argument for a function middleware on each request (see README,
    Performance). While the queue of work after acks is full, a slash command is answered in
    its ack that the bot is busy, and nothing else runs for it (no listener, no copy)."""

    def __init__(self, services: Services) -> None:
        self._services, self._named = services, services.listener_context()

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[Any]]
    ) -> BoltResponse | None:
        if self._services.lazy_work.full and "command" in req.body:
            return await on_error(Overloaded(), req.body)
        context, session = req.context, self._services.slack_session
        context.update(self._named)
        if context.function_bot_access_token is None:  # a workflow step keeps its own token
            context["client"] = self._services.slack  # one pooled client, lazy listeners too
        if session is not None:
            context["respond"] = PooledRespond(response_url=context.response_url, session=session)
        return cast(BoltResponse | None, await next())


def build_bolt(services: Services) -> AsyncApp:
    settings = services.settings
    assert settings.slack_signing_secret is not None  # checked at start-up
    app = AsyncApp(
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        client=services.slack.unpooled(),  # Bolt copies it per request, session included
        process_before_response=False,
    )

    app.use(ProvideServices(services))
    handlers.register(app)
    return app


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def readable_signature(request: Request) -> bool:
    """Headers Bolt's verifier can read at all (it raises on others): ASCII digits, v0=hex."""
    stamp = request.headers.get("x-slack-request-timestamp", "")
    signature = request.headers.get("x-slack-signature", "")
    return stamp.isascii() and stamp.isdigit() and SIGNATURE.fullmatch(signature) is not None


async def slack_events(request: Request) -> Response:
    if not readable_signature(request):
        return PlainTextResponse("invalid request", status_code=401)
    bolt: AsyncApp = request.app.state.slack
    try:
        response = await dispatch(bolt, request)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        # A signed body Bolt cannot even parse (not UTF-8, payload not JSON, odd shapes):
        # nothing ran; say so plainly rather than 5xx, which makes Slack retry it.
        log.warning("unreadable Slack request: %s", type(error).__name__)
        return PlainTextResponse("unreadable request", status_code=200)
    if response.status_code == 404:  # Bolt: no listener for it; acknowledge, don't make Slack retry
        return PlainTextResponse("", status_code=200)
    return response


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


def outbox_consumer(services: Services, *, worker: bool) -> Consumer:
    """A delivery consumer; in the web process it stands aside while a worker is alive."""
    tell = tell_outcome(services.slack, services.registry, services.linker)
    retry = services.settings.outbox_retry_seconds
    return Consumer(services.store, services.deliverer, tell, worker=worker, retry_after=retry)


def build_app(services: Services) -> Starlette:
    """The ASGI app `python -m bot` serves."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        await services.start()
        background = [
            asyncio.create_task(services.directory.keep_fresh()),
            asyncio.create_task(outbox_consumer(services, worker=False).run(stop)),
        ]
        yield
        stop.set()
        await asyncio.gather(tasks.stop(*background), services.lazy_work.stop())  # both bounded
        await services.aclose()

    app = Starlette(routes=ROUTES, lifespan=lifespan, exception_handlers={Exception: unexpected})
    app.state.services = services
    app.state.slack = build_bolt(services)
    return app


def app_from_environment() -> Starlette:
    """The app of one of several web processes (WEB_CONCURRENCY): each builds its own services."""
    logs.configure()
    return build_app(build_services(load_settings()))
