"""The worker's own `GET /metrics`, on METRICS_PORT, when no web process can add its files up: its
PROMETHEUS_MULTIPROC_DIR is a private one (unset, or a container of its own)."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

from bot.ops.scrape import metrics_page
from bot.services import Services
from bot.telemetry import metric_files

log = logging.getLogger("bot")


class _Server(uvicorn.Server):
    """Uvicorn on the worker's loop that leaves SIGTERM and SIGINT to the worker."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _bound(host: str, port: int) -> socket.socket | None:
    """The listening socket, or None (logged) when the port is taken: delivering comes first."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        log.error("worker metrics: METRICS_PORT=%d can't be served (%s)", port, error.strerror)
        return None
    return sock


@asynccontextmanager
async def serving(services: Services) -> AsyncIterator[None]:
    """While the worker runs, its metrics reach a scrape one way or the other (logged at start)."""
    if metric_files.SHARED:
        log.info("worker metrics: in %s, for the web's /metrics", metric_files.DIRECTORY)
        yield
        return
    settings = services.settings
    sock = _bound(settings.host, settings.metrics_port)
    if sock is None:
        yield
        return
    app = Starlette(routes=[Route("/metrics", metrics_page, methods=["GET"])])
    app.state.services = services
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    log.info("worker metrics: GET /metrics on port %d of its own", settings.metrics_port)
    try:
        yield
    finally:
        server.should_exit = True
        await task
        sock.close()
