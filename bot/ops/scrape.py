"""`GET /metrics`: every process's counters (multiprocess files) plus what Redis holds, read
now: readiness, links, the outbox, directory ages. Optionally behind METRICS_TOKEN."""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator
from dataclasses import replace

from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.errors import StoreUnavailable
from bot.services import Services
from bot.store import Stats, Store
from bot.telemetry import metric_files

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4  # the text format every Prometheus 2.x reads
STARTED = time.monotonic()  # about when this process started


def authorized(header: str | None, token: SecretStr | None) -> bool:
    """No token configured: open. Else `Bearer <token>`, compared in constant time."""
    if token is None:
        return True
    scheme, _, given = (header or "").partition(" ")
    expected = token.get_secret_value().encode()
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected)


async def read_stats(store: Store, platforms: list[str], directories: list[str]) -> Stats | None:
    """The shared state, or None when Redis doesn't answer (then the bot is not ready).

    A directory never built is as old as this process: its stale alert fires all the same."""
    try:
        stats = await store.stats.read(platforms, directories)
    except StoreUnavailable:
        return None
    never_built = dict.fromkeys(directories, time.monotonic() - STARTED)
    return replace(stats, directory_age_seconds=never_built | stats.directory_age_seconds)


class SharedState(Collector):
    """The gauges read from Redis at scrape time (the same whichever process is scraped)."""

    def __init__(self, stats: Stats | None) -> None:
        self._stats = stats

    def collect(self) -> Iterator[Metric]:
        stats = self._stats
        yield GaugeMetricFamily(
            "kudos_ready", "1 when Redis answers (as /readyz), else 0.", value=int(bool(stats))
        )
        if stats is None:
            return
        links = GaugeMetricFamily("kudos_links", "Active links by platform.", labels=["platform"])
        for platform, count in stats.links.items():
            links.add_metric([platform], count)
        yield links
        yield GaugeMetricFamily(
            "kudos_outbox_pending", "Recognitions queued, not yet final.", stats.outbox_pending
        )
        yield GaugeMetricFamily(
            "kudos_outbox_oldest_pending_seconds",
            "Age of the oldest queued recognition (0 when none is queued).",
            stats.oldest_pending_seconds,
        )
        ages = GaugeMetricFamily(
            "kudos_directory_age_seconds",
            "Seconds since a directory platform's people were last read (never: since start-up).",
            labels=["platform"],
        )
        for platform, age in stats.directory_age_seconds.items():
            ages.add_metric([platform], age)
        yield ages


def exposition(stats: Stats | None) -> bytes:
    """The Prometheus text of every process on this host plus the shared state."""
    metric_files.forget_dead_processes()
    registry = CollectorRegistry(auto_describe=False)
    MultiProcessCollector(registry, path=metric_files.DIRECTORY)  # type: ignore[no-untyped-call]
    registry.register(SharedState(stats))
    return generate_latest(registry)


async def metrics_page(request: Request) -> Response:
    """Prometheus text; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`."""
    services: Services = request.app.state.services
    if not authorized(request.headers.get("authorization"), services.settings.metrics_token):
        return PlainTextResponse("unauthorized", 401, headers={"WWW-Authenticate": "Bearer"})
    specs = services.registry.specs()
    linkable = [spec.name for spec in specs if spec.per_user]
    directories = [spec.name for spec in specs if spec.directory]
    stats = await read_stats(services.store, linkable, directories)
    return Response(exposition(stats), media_type=CONTENT_TYPE)
