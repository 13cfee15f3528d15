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
from bot.errors import KudosError, Overloaded
from bot.recognition.consumer import STOPPED_WITHIN, Consumer
from bot.runtime import tasks
from bot.services import Services, build_services
from bot.settings import load_settings
from bot.slack import workspaces
from bot.slack.client import PooledRespond, act_for_request
from bot.slack.installed_only import InstalledOnly, told_in_workspace
from bot.slack.requests import dispatch, install_step, observed
from bot.store import Store
from bot.telemetry import logs, metrics, scrape
from handlers.callback import oauth_callback
from handlers.delivery import tell_outcome
from handlers.errors import on_error
from handlers.step_expiry import fail_expired_steps

log = logging.getLogger(__name__)


class ProvideServices(AsyncMiddleware):
    """Hands the services to listeners through the context. A class, not a function: Bolt
    builds every injectable argument for a function middleware on each request (see README,
    Performance). While the queue of work after acks is full, a slash command is answered in
    its ack that the bot is busy, and nothing else runs for it (no listener, no copy)."""

    def __init__(self, services: Services) -> None:
        self._services, self._named = services, services.listener_context()
        self._multi = services.workspaces is not None  # several workspaces: installations

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
        if self._multi:  # the shared client speaks with this request's installation token
            org_team = context.team_id if context.is_enterprise_install else None
            act_for_request(context.bot_token, org_team)
        return cast(BoltResponse | None, await next())


def build_bolt(services: Services) -> AsyncApp:
    settings = services.settings
    assert settings.slack_signing_secret is not None  # checked at start-up
    app = AsyncApp(
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        client=services.slack.unpooled(),  # Bolt copies it per request, session included
        process_before_response=False,
        **workspaces.bolt_options(settings, services.store, services.workspaces),
    )

    app.use(ProvideServices(services))
    handlers.register(app)
    return app


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


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


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def readyz(request: Request) -> Response:
    if await services_of(request).store.ping():
        return PlainTextResponse("ready")
    return PlainTextResponse("redis unavailable", status_code=503)


async def metrics_page(request: Request) -> Response:
    """Prometheus text; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`."""
    services = services_of(request)
    if not scrape.authorized(request.headers.get("authorization"), services.settings.metrics_token):
        return PlainTextResponse("unauthorized", 401, headers={"WWW-Authenticate": "Bearer"})
    registry = services.registry
    specs = [registry.get(name).spec for name in registry.names()]
    linkable = [spec.name for spec in specs if spec.per_user]
    directories = [spec.name for spec in specs if spec.directory]
    stats = await scrape.read_stats(services.store, linkable, directories)
    return Response(scrape.exposition(stats), media_type=scrape.CONTENT_TYPE)


async def unexpected(request: Request, error: Exception) -> Response:
    """Last resort: a bug answers 503 with a log line, never a 500 with a stack trace."""
    log.error("unhandled error on %s", request.url.path, exc_info=error)
    return PlainTextResponse("temporarily unavailable", status_code=503)


ROUTES = [
    Route("/slack/events", slack_events, methods=["POST"]),
    Route("/oauth/{provider}/callback", oauth_callback, methods=["GET"]),
    Route(workspaces.INSTALL_PATH, slack_install, methods=["GET"]),
    Route(workspaces.REDIRECT_PATH, slack_install, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics_page, methods=["GET"]),
]


def outbox_consumer(services: Services, *, worker: bool) -> Consumer:
    """A delivery consumer; in the web process it stands aside while a worker is alive."""
    tell = tell_outcome(services.slack, services.registry, services.linker)
    retry = services.settings.outbox_retry_seconds
    deliverer = services.deliverer
    if services.workspaces is not None:  # several workspaces: each its own bot, while installed
        tell = told_in_workspace(services.workspaces, tell)
        deliverer = InstalledOnly(deliverer, services.workspaces)
    return Consumer(services.store, deliverer, tell, worker=worker, retry_after=retry)


async def _settle(consumer: asyncio.Task[None]) -> None:
    """Let a stopping consumer finish its deliveries (bot/outbox), then stop what is left."""
    await asyncio.wait({consumer}, timeout=STOPPED_WITHIN)
    await tasks.stop(consumer)


async def count_links(store: Store) -> None:
    """Links made before `kudos_links` existed: counted once per deployment, in the background."""
    try:
        if found := await store.stats.count_links_once():
            log.info("counted %d link(s) made before link counting", found)
    except KudosError as error:  # another process is counting them, or Redis is away: next start
        log.info("links made before link counting not counted now: %s", type(error).__name__)


def build_app(services: Services) -> Starlette:
    """The ASGI app `python -m bot` serves."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        await services.start()
        metrics.process_started("web", services.registry)
        consumer = asyncio.create_task(outbox_consumer(services, worker=False).run(stop))
        background = [
            asyncio.create_task(services.directory.keep_fresh()),
            asyncio.create_task(count_links(services.store)),
            asyncio.create_task(fail_expired_steps(services)),
        ]
        yield
        stop.set()  # the consumer's deliveries finish, or are stopped, before the services close
        ending = [_settle(consumer), tasks.stop(*background), services.lazy_work.stop()]
        await asyncio.gather(*ending)  # each bounded
        await services.aclose()
        metrics.process_stopped()

    app = Starlette(routes=ROUTES, lifespan=lifespan, exception_handlers={Exception: unexpected})
    app.state.services = services
    app.state.slack = build_bolt(services)
    return app


def app_from_environment() -> Starlette:
    """The app of one of several web processes (WEB_CONCURRENCY): each builds its own services."""
    settings = load_settings()
    logs.configure_from(settings)
    return build_app(build_services(settings))
