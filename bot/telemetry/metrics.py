"""Prometheus metrics, shared by every process on the host through prometheus_client's
multiprocess mode: each process writes its own files under PROMETHEUS_MULTIPROC_DIR (see
bot/telemetry/metric_files.py) and `GET /metrics` in any web process adds them all up (web
processes and `python -m bot worker`). Every code path (one process, several, the embedded
store) is the same multiprocess one."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Protocol

import httpx
from prometheus_client import Counter, Gauge, Histogram
from redis.exceptions import TimeoutError as RedisTimeout

from bot.errors import GrantRevoked, ProviderUnavailable
from bot.telemetry import metric_files

# Bounded label values only: these tuples are every value a label may take.
KINDS = ("command", "action", "view", "shortcut", "event", "options", "other")
OUTCOMES = ("ok", "unsigned", "unreadable", "unhandled", "error")
DELIVERY_OUTCOMES = ("done", "failed")
REFRESH_OUTCOMES = ("ok", "revoked", "unavailable", "error")
LATENCY = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0)

SLACK_REQUESTS = Counter(
    "kudos_slack_requests_total", "Slack requests by kind and outcome.", ["kind", "outcome"]
)
SLACK_ACK = Histogram(
    "kudos_slack_ack_seconds",
    "Time from a Slack request's arrival to its acknowledgement.",
    ["kind"],
    buckets=LATENCY,
)
PLATFORM_CALLS = Counter(
    "kudos_platform_calls_total",
    "Calls to a platform by platform, operation (method and path template) and status class.",
    ["platform", "operation", "status"],
)
PLATFORM_SECONDS = Histogram(
    "kudos_platform_call_seconds",
    "Duration of a platform call, retries included.",
    ["platform", "operation"],
    buckets=LATENCY,
)
TOKEN_REFRESHES = Counter(
    "kudos_token_refreshes_total",
    "Token refreshes (and app-level token mints) by platform and outcome.",
    ["platform", "outcome"],
)
DELIVERIES = Counter(
    "kudos_outbox_deliveries_total",
    "Recognitions that reached a final state, by platform and outcome (done, failed).",
    ["platform", "outcome"],
)
RETRIES = Counter(
    "kudos_outbox_retries_total",
    "Delivery attempts that left a recognition pending for a later attempt.",
    ["platform"],
)
RECONCILIATIONS = Counter(
    "kudos_outbox_reconciliations_total",
    "Read-backs before a repeated POST, by whether the recognition had already landed.",
    ["platform", "result"],
)
STUCK = Counter(
    "kudos_outbox_stuck_total",
    "Deliveries the watchdog found pending past their deadline under a live lock (each intent "
    "once per consumer that finds it).",
)  # no labels: exported as 0 from the start, so the first one is an increase alerts see
REDIS_ERRORS = Counter(
    "kudos_redis_errors_total", "Redis commands that failed, by kind (timeout, error).", ["kind"]
)
PROCESSES = Gauge(
    "kudos_processes",
    "Live bot processes by role (web, worker).",
    ["role"],
    multiprocess_mode="livesum",
)

_REQUESTS = {(k, o): SLACK_REQUESTS.labels(k, o) for k in KINDS for o in OUTCOMES}
_ACKS = {kind: SLACK_ACK.labels(kind) for kind in KINDS}
_REDIS = {kind: REDIS_ERRORS.labels(kind) for kind in ("timeout", "error")}


def slack_request(kind: str, outcome: str, seconds: float) -> None:
    """One Slack request acknowledged (no allocation: the children exist already)."""
    _REQUESTS[kind, outcome].inc()
    _ACKS[kind].observe(seconds)


def delivery_attempted(platform: str, status: str) -> None:
    """A final intent counts as a delivery (done, failed); a pending one as a retry to come."""
    if status == "pending":
        RETRIES.labels(platform).inc()
    else:
        DELIVERIES.labels(platform, status).inc()


def reconciled(platform: str, recipients: int, missing: int) -> None:
    """A read-back: had it landed for everyone, some, or none of the recipients?"""
    result = "landed" if not missing else "partly" if missing < recipients else "none"
    RECONCILIATIONS.labels(platform, result).inc()


def redis_error(error: BaseException) -> None:
    _REDIS["timeout" if isinstance(error, TimeoutError | RedisTimeout) else "error"].inc()


ID_SEGMENT = re.compile(r"\d+|(?=[^/]*\d)[^/]{6,}|[^/]{25,}")  # numbers, ids, long opaque values


@lru_cache(maxsize=512)
def operation(method: str, path: str) -> str:
    """`METHOD /path/template`: the query dropped and id-like segments as {id} (bounded)."""
    path = path.split("?", 1)[0]
    segments = ("{id}" if ID_SEGMENT.fullmatch(part) else part for part in path.split("/"))
    return f"{method} {'/'.join(segments)}"


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def failure(error: BaseException) -> str:
    """The status class of a call that got no answer."""
    return "timeout" if isinstance(error, httpx.TimeoutException | TimeoutError) else "error"


@contextmanager
def platform_call(platform: str, operation: str) -> Iterator[list[str]]:
    """Time a call; the caller puts the status class in the list it is handed (else: error)."""
    status: list[str] = []
    started = time.perf_counter()
    try:
        yield status
    finally:
        seen = status[-1] if status else "error"
        PLATFORM_CALLS.labels(platform, operation, seen).inc()
        PLATFORM_SECONDS.labels(platform, operation).observe(time.perf_counter() - started)


@contextmanager
def token_refresh(platform: str) -> Iterator[None]:
    """Count one refresh (or app-level mint) by how it ended: ok, revoked, unavailable, error."""
    outcome = "error"
    try:
        yield
        outcome = "ok"
    except GrantRevoked:
        outcome = "revoked"
        raise
    except ProviderUnavailable:
        outcome = "unavailable"
        raise
    finally:
        TOKEN_REFRESHES.labels(platform, outcome).inc()


class Exported(Protocol):
    """What a platform's series need: its name, and whether people link and send through it."""

    @property
    def name(self) -> str: ...
    @property
    def per_user(self) -> bool: ...


def process_started(role: str, platforms: Iterable[Exported] = ()) -> None:
    """Count this process among the live ones of its role (`kudos_processes`), and export the
    enabled platforms' outcome series at 0 (as STUCK): a first failure is then an increase."""
    metric_files.forget_dead_processes()
    PROCESSES.labels(role).set(1)
    for spec in platforms:
        for outcome in REFRESH_OUTCOMES:
            TOKEN_REFRESHES.labels(spec.name, outcome)
        if spec.per_user:  # people send recognitions through it
            RETRIES.labels(spec.name)
            for outcome in DELIVERY_OUTCOMES:
                DELIVERIES.labels(spec.name, outcome)


def process_stopped() -> None:
    metric_files.forget(os.getpid())
