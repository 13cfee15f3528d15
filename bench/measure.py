"""Measuring one scenario on one server: acks, then what the requests caused."""

from __future__ import annotations

import itertools
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bench.cpu import tree_cpu_s, wait_quiet
from bench.load import Job, Watched, run_load
from bench.options import Options
from bench.profile import profiled
from bench.redis_count import PerRequest, RedisCounter, per_request
from bench.sockets import workers
from bench.stack import Fakes
from bench.stats import Latency, cores
from testkit.bot_process import BotProcess

POLL = 0.1
TRAILING = 0.3  # after the last reply arrived: let its listener finish its last Redis calls
QUIET_WITHIN = 30.0  # longest wait for a server's own start-up work before a scenario
_tags = itertools.count()


@dataclass(frozen=True)
class Target:
    """A server under test; Redis and platform calls are counted for the bot only."""

    label: str  # "bot", "bot x2", "bare"
    server: BotProcess
    counted: bool


@dataclass
class Context:
    options: Options
    fakes: Fakes
    counter: RedisCounter
    redis_pid: int
    senders: list[str]


class Replies:
    """The response_urls of one run, one per sender, on the Slack fake."""

    def __init__(self, context: Context, name: str) -> None:
        self._slack, self._senders = context.fakes.slack, context.senders
        self._tag = f"{name}-{next(_tags)}"

    def url(self, user: str) -> str:
        return self._slack.response_url(f"{self._tag}.{user}")

    def all(self) -> list[tuple[str, Any]]:
        """(sender, message) of everything posted so far."""
        return [
            (user, body)
            for user in self._senders
            for body in self._slack.responses(f"{self._tag}.{user}")
        ]

    def count(self) -> int:
        return sum(len(self._slack.responses(f"{self._tag}.{user}")) for user in self._senders)


@dataclass
class Result:
    """One scenario on one server."""

    scenario: str
    server: str
    concurrency: int
    latency: Latency
    cores: dict[str, float]  # CPU cores in use while firing, by process
    redis: PerRequest | None = None
    platform_calls_per_request: float | None = None
    arrived: int | None = None  # replies (or deliveries) that arrived after the acks
    expected: int | None = None
    arrival_s: float | None = None  # from the last ack until they had all arrived
    notes: list[str] = field(default_factory=list)
    rate: float = 0.0  # requests per second offered (open loop); 0: `concurrency` in flight
    # Server CPU (all its processes) from the first request until the last reply arrived,
    # per request: stable on a shared machine, unlike times
    cpu_ms_per_request: float | None = None
    acks: dict[str, int] = field(default_factory=dict)  # what acks said (non-empty), how often
    told: dict[str, int] = field(default_factory=dict)  # answers saying "very busy", "unavailable"
    # load-generator connections held when firing ended, by server process (as in `cores`)
    connections: dict[str, int] = field(default_factory=dict)


def wait_for(arrived: Callable[[], int], expected: int, within: float) -> tuple[int, float]:
    """Poll until `arrived()` reaches `expected` or `within` seconds pass; (count, seconds)."""
    started = time.monotonic()
    count = arrived()
    while count < expected and time.monotonic() - started < within:
        time.sleep(POLL)
        count = arrived()
    waited = time.monotonic() - started
    time.sleep(TRAILING)
    return count, round(waited, 2)


def watched(context: Context, target: Target) -> list[Watched]:
    """The server (all its processes, then each worker: #1, #2...), Redis, and the fakes."""
    pid, port = target.server.process.pid, urlsplit(target.server.base_url).port or 80
    serving = workers(pid, port)
    server = [Watched(target.label, pid, tree=True, serves=serving == [pid])]
    if serving != [pid]:
        server += [Watched(f"#{n}", worker, serves=True) for n, worker in enumerate(serving, 1)]
    return [
        *server,
        Watched("redis", context.redis_pid),
        Watched("fakes", os.getpid()),  # the bench process: the fakes' threads
    ]


def _job(
    context: Context, target: Target, bodies: list[str], concurrency: int, rate: float = 0.0
) -> Job:
    url = f"{target.server.base_url}/slack/events"
    secret, timeout = target.server.signing_secret, context.options.timeout_s
    return Job(url, secret, bodies, concurrency, timeout, watched(context, target), rate)


def fire(context: Context, target: Target, bodies: list[str], concurrency: int) -> int:
    """Fire without measuring anything else (warm-up, making drafts); how many acks answered."""
    run = run_load(_job(context, target, bodies, concurrency))
    return sum(1 for sample in run.samples if sample.text)


def measure(
    context: Context,
    target: Target,
    scenario: str,
    bodies: list[str],
    concurrency: int,
    arrived: Callable[[], int] | None = None,
    rate: float = 0.0,
) -> Result:
    """Fire `bodies`; then wait until `arrived()` counts one per request (bot only)."""
    counted = target.counted
    pid = target.server.process.pid
    settling = wait_quiet(pid, QUIET_WITHIN)  # start-up work is not the scenario's
    background = context.counter.background(context.options.idle_s) if counted else None
    calls_before = len(context.fakes.achievers.requests)
    before = context.counter.snapshot()
    with profiled(context.options.profile, pid, f"{scenario}-{target.label}"):
        cpu_before = tree_cpu_s(pid)
        run = run_load(_job(context, target, bodies, concurrency, rate))
        result = Result(scenario, target.label, concurrency, Latency.of(run), cores(run), rate=rate)
        result.acks = dict(Counter(sample.text for sample in run.samples if sample.text))
        result.connections = run.connections
        if arrived is not None:
            result.expected, answered_in_ack = len(bodies), sum(result.acks.values())
            waited = wait_for(arrived, len(bodies) - answered_in_ack, context.options.settle_s)
            result.arrived, result.arrival_s = waited
        used_ms = (tree_cpu_s(pid) - cpu_before) * 1000
    result.cpu_ms_per_request = round(used_ms / max(1, len(bodies)), 3)
    if settling >= QUIET_WITHIN:
        result.notes.append(f"the server was still busy {QUIET_WITHIN:g} s after its warm-up")
    if background is not None:
        used = RedisCounter.between(before, context.counter.snapshot())
        result.redis = per_request(used, background, len(bodies))
        calls = len(context.fakes.achievers.requests) - calls_before
        result.platform_calls_per_request = round(calls / max(1, len(bodies)), 2)
    return result
