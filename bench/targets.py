"""The issue's targets, checked against the figures (reported, never a failing exit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.measure import Result
from bench.stats import Latency

RATIO_LIMIT = 1.15
ACK_PATH_ROUND_TRIPS = 2.0
BURST_ACK_MS = 3000.0
SCALE_OUT = 1.7
CPU_LIMITS = {"status": 1.5, "preview": 2.5, "burst": 2.5}  # bot CPU per request / bare's
BARE_READ = "bare+read"  # the floor that also makes /kudos status's one read (bench/bare.py)
READ_FLOORED = ("status", "throughput")
THE_POST = "POST /api/v5/recognitions"
NO_TARGET = "none (for information)"


@dataclass(frozen=True)
class Check:
    name: str
    target: str
    value: str
    met: bool | None  # None: no target, or the figure cannot decide it (or is missing)

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "info" if self.target == NO_TARGET else "open"
        return "meets" if self.met else "MISSES"


def _find(results: list[Result], scenario: str, server: str) -> Result | None:
    return next((r for r in results if (r.scenario, r.server) == (scenario, server)), None)


def _ratio(bot: Latency, bare: Latency, field: str) -> float:
    floor = getattr(bare, field)
    return round(getattr(bot, field) / floor, 2) if floor else float("inf")


def ratio_checks(results: list[Result]) -> list[Check]:
    found = []
    for scenario in ("status", "preview", "send"):
        bot, bare = _find(results, scenario, "bot"), _find(results, scenario, "bare")
        if bot is None or bare is None:
            continue
        for field in ("p50_ms", "p99_ms"):
            ratio = _ratio(bot.latency, bare.latency, field)
            has_target = scenario != "send"
            met = ratio <= RATIO_LIMIT if has_target else None
            target = f"<= {RATIO_LIMIT}" if has_target else NO_TARGET
            name = f"{scenario} ack {field[:3]} bot / bare"
            found.append(Check(name, target, f"{ratio}", met))
    return found


def _cpu_ratio(results: list[Result], scenario: str, floor: str) -> tuple[float, str] | None:
    """The bot's server CPU per request ÷ the floor's, and as shown; None when one is missing."""
    bot, bare = _find(results, scenario, "bot"), _find(results, scenario, floor)
    if not (bot and bare and bot.cpu_ms_per_request and bare.cpu_ms_per_request):
        return None
    ratio = round(bot.cpu_ms_per_request / bare.cpu_ms_per_request, 2)
    return ratio, f"{ratio}x ({bare.cpu_ms_per_request:.3f} -> {bot.cpu_ms_per_request:.3f} ms)"


def cpu_checks(results: list[Result]) -> list[Check]:
    """Server CPU per request against the floor's on the same scenario in the same run; for
    status and throughput, also against `bare+read` (the floor plus status's one read): what
    is left above it is the bot's own code."""
    found = []
    for scenario, limit in CPU_LIMITS.items():
        if (compared := _cpu_ratio(results, scenario, "bare")) is not None:
            ratio, value = compared
            name = f"{scenario} CPU per request bot / bare"
            found.append(Check(name, f"<= {limit}x", value, ratio <= limit))
    for scenario in READ_FLOORED:
        if (compared := _cpu_ratio(results, scenario, BARE_READ)) is not None:
            name = f"{scenario} CPU per request bot / {BARE_READ}"
            found.append(Check(name, NO_TARGET, compared[1], None))
    return found


def round_trip_checks(results: list[Result]) -> list[Check]:
    """Only an upper bound is measured: the ack path and the work after it, together."""
    found = []
    for result in results:
        if result.server != "bot" or result.redis is None or result.scenario == "throughput":
            continue
        trips = result.redis.round_trips
        met = True if trips <= ACK_PATH_ROUND_TRIPS else None
        value = f"<= {trips} per request (ack + everything it caused; ack path not separable)"
        found.append(
            Check(f"{result.scenario} Redis round trips on the ack path", "<= 2", value, met)
        )
    return found


def burst_checks(results: list[Result]) -> list[Check]:
    burst = _find(results, "burst", "bot")
    if burst is None:
        return []
    lat = burst.latency
    every = lat.max_ms < BURST_ACK_MS and lat.errors == 0
    acks = f"max {lat.max_ms:.0f} ms, {lat.errors} errors of {lat.requests}"
    shown = f"{burst.arrived}/{burst.expected}"
    return [
        Check("burst: every ack < 3 s", "all", acks, every),
        Check("burst: every preview delivered", "all", shown, burst.arrived == burst.expected),
    ]


def platform_checks(calls: dict[str, Any] | None) -> list[Check]:
    if not calls:
        return []
    repeat = calls["repeat"]
    lines = {**repeat["preview"], **repeat["send"]}
    only_the_post = lines == {THE_POST: 1.0}
    value = f"{repeat['calls_per_recognition']} ({lines})"
    target = f"exactly 1 ({THE_POST})"
    return [Check("platform calls per repeat recognition", target, value, only_the_post)]


def _scale_value(one: Result, many: Result) -> str:
    """Req/s, and the server's cores and req/s per core, one process -> many."""
    ratio = round(many.latency.throughput_rps / one.latency.throughput_rps, 2)
    before, after = one.cores.get(one.server, 0.0), many.cores.get(many.server, 0.0)
    rps_one, rps_many = one.latency.throughput_rps, many.latency.throughput_rps
    per_core = round(rps_many / after * before / rps_one, 2) if after else 0.0
    return (
        f"{ratio}x ({one.latency.throughput_rps:.0f} -> {many.latency.throughput_rps:.0f} req/s"
        f" on {before:.2f} -> {after:.2f} server cores; per server core {per_core}x)"
    )


def scale_checks(results: list[Result]) -> list[Check]:
    one, two = _find(results, "throughput", "bot"), _find(results, "throughput", "bot x2")
    four = _find(results, "throughput", "bot x4")
    name, target = "2 server processes vs 1, status throughput", f">= {SCALE_OUT}x"
    if one is None:
        return []
    if two is None or not one.latency.throughput_rps or not one.cores.get("bot"):
        return [Check(name, target, "not measured (see notes)", None)]
    ratio = two.latency.throughput_rps / one.latency.throughput_rps
    found = [Check(name, target, _scale_value(one, two), round(ratio, 2) >= SCALE_OUT)]
    if four is not None and four.cores.get(four.server):
        value = _scale_value(one, four)
        found.append(Check("4 server processes vs 1, status throughput", NO_TARGET, value, None))
    return found


def checks(results: list[Result], calls: dict[str, Any] | None) -> list[Check]:
    return [
        *ratio_checks(results),
        *cpu_checks(results),
        *burst_checks(results),
        *round_trip_checks(results),
        *platform_checks(calls),
        *scale_checks(results),
    ]
