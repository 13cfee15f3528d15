"""build_app: the Bolt app and the HTTP routes around it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, cast

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

import handlers
from bot.errors import KudosError
from bot.ops.scrape import metrics_page
from bot.recognition.consumer import STOPPED_WITHIN, Consumer
from bot.recognition.installed_deliveries import InstalledOnly, told_in_workspace
from bot.runtime import tasks
from bot.runtime.acks_first import CountPendingAcks
from bot.services import Services, build_services
from bot.settings import load_settings
from bot.slack import workspaces
from bot.slack.client import PooledRespond, act_for_request
from bot.slack.lean_bolt import LeanApp
from bot.slack.routes import SLACK_EVENTS, SlackEventsFirst, slack_events, slack_install
from bot.store import Store
from bot.telemetry import logs, metrics
from bot.telemetry.access import AccessLines
from handlers import HandlerServices
from handlers.admission import KeepPlaces
from handlers.callback import OAuthCallback
from handlers.commands import WORK_AFTER_ACK
from handlers.dedupe import DropRedeliveries
from handlers.delivery import tell_outcome
from handlers.step_expiry import fail_expired_steps
from handlers.workspace import actor_of

log = logging.getLogger(__name__)


class ProvideServices(AsyncMiddleware):
    """Hands listeners, by name through the context, the services (`named`) and the request's
    `actor`. A class, not a function: Bolt builds every injectable argument for a function
    middleware on each request (see README, Performance)."""

    def __init__(self, services: Services, named: dict[str, Any]) -> None:
        self._services, self._named = services, named
        self._multi = services.workspaces is not None  # several workspaces: installations

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[Any]]
    ) -> BoltResponse | None:
        context, session = req.context, self._services.slack_session
        context.update(self._named)
        context["actor"] = actor_of(context)  # from the signed request only
        if context.function_bot_access_token is None:  # a workflow step keeps its own token
            context["client"] = self._services.slack  # one pooled client, lazy listeners too
        if session is not None:
            context["respond"] = PooledRespond(response_url=context.response_url, session=session)
        if self._multi:  # the shared client speaks with this request's installation token
            org_team = context.team_id if context.is_enterprise_install else None
            act_for_request(context.bot_token, org_team)
        return cast(BoltResponse | None, await next())


def build_bolt(services: Services, shared: HandlerServices) -> AsyncApp:
    """The Bolt app: its listeners may name any service, any of `shared`, and `actor`."""
    settings = services.settings
    assert settings.slack_signing_secret is not None  # checked at start-up
    app = LeanApp(
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        client=services.slack.unpooled(),  # Bolt copies it per request, session included
        process_before_response=False,
        **workspaces.bolt_options(settings, services.store, services.workspaces),
    )

    app.use(KeepPlaces(services.lazy_work, WORK_AFTER_ACK))  # first: past the bound, "busy"
    app.use(ProvideServices(services, services.listener_context() | shared.named()))
    app.use(DropRedeliveries(services.store))  # before any listener: a redelivery runs none
    handlers.register(app)
    return app


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


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


def routes(services: Services, shared: HandlerServices) -> list[Route]:
    s, home = services, shared.home
    callback = OAuthCallback(s.registry, s.linker, s.slack, s.workspaces, home, shared.after_link)
    return [
        Route(SLACK_EVENTS, slack_events, methods=["POST"]),  # reached via SlackEventsFirst
        Route("/oauth/{provider}/callback", callback.answer, methods=["GET"]),
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
    """Let a stopping consumer finish its deliveries (the Consumer), then stop what is left."""
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
        metrics.process_started("web", services.registry.specs())
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

    shared, last_resort = HandlerServices.on(services), {Exception: unexpected}
    middleware = [  # outermost first; Slack's requests log their own line, not an access line
        Middleware(CountPendingAcks, acks=services.lazy_work.acks),  # lazy_work.py
        Middleware(SlackEventsFirst),
        Middleware(AccessLines),
    ]
    app = Starlette(
        routes=routes(services, shared),
        lifespan=lifespan,
        exception_handlers=last_resort,
        middleware=middleware,
    )
    app.state.services = services
    app.state.slack = build_bolt(services, shared)
    return app


def app_from_environment() -> Starlette:
    """The app of one of several web processes (WEB_CONCURRENCY): each builds its own services."""
    settings = load_settings()
    logs.configure_from(settings)
    return build_app(build_services(settings))
