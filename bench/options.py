"""The command line of `python -m bench`, with full and `--quick` sizes."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

SCENARIOS = (
    "platform-calls",
    "status",
    "preview",
    "burst",
    "overload",
    "throughput",
    "send",
    "outage",
)


@dataclass(frozen=True)
class Options:
    """What to run and how big; every size has a full and a `--quick` default."""

    scenarios: tuple[str, ...] = SCENARIOS
    requests: int = 1000
    concurrency: int = 16
    rate: float = 100.0
    throughput_requests: int = 2000
    throughput_concurrency: int = 64
    send_requests: int = 100
    burst: int = 1000
    overload: int = 5000
    outage: int = 50
    latency_ms: int = 500
    senders: int = 8
    repeats: int = 3
    warmup: int = 200
    idle_s: float = 5.0
    settle_s: float = 60.0
    timeout_s: float = 10.0
    runs: int = 1
    quick: bool = False
    profile: str = ""  # a directory: py-spy samples the server in every scenario
    noisy: bool = False  # a CPU hog on one core while measuring, as on a shared host

    @property
    def latency_s(self) -> float:
        return self.latency_ms / 1000


HELP = {
    "requests": "requests per latency scenario (status, preview)",
    "concurrency": "requests in flight in the latency scenarios when --rate is 0",
    "rate": "requests per second offered in the latency scenarios (status, preview, send), "
    "open loop as Slack's traffic arrives; 0 fires them closed loop, --concurrency at a time",
    "throughput_requests": "requests per throughput run (status, 1 and 2 server processes)",
    "throughput_concurrency": "requests in flight in throughput runs (enough to saturate)",
    "send_requests": "Send clicks (each one delivery to the platform)",
    "burst": "concurrent /recognize in the burst, all at once",
    "overload": "concurrent /recognize in the overload, all at once (beyond the lazy-work queue)",
    "outage": "commands sent while the bench has Redis stopped (each must hear 'unavailable')",
    "latency_ms": "the platform's latency on every API call",
    "senders": "linked users the requests come from, in turn",
    "repeats": "repeat recognitions to the same person in platform-calls",
    "warmup": "status requests to a fresh server before measuring",
    "idle_s": "idle window measuring Redis' background rate before each scenario",
    "settle_s": "longest wait for replies and deliveries after a scenario's acks",
    "timeout_s": "a request not answered by then counts as an error",
    "runs": "run the chosen scenarios this many times; prints each figure's min-max after",
}


QUICK = Options(
    requests=100,
    throughput_requests=300,
    send_requests=4,
    burst=100,
    overload=1000,
    outage=10,
    senders=2,
    repeats=1,
    warmup=30,
    idle_s=0.5,
    settle_s=20.0,
    quick=True,
)
FLAGS = ("scenarios", "quick", "profile", "noisy")
SIZES = [f.name for f in fields(Options) if f.name not in FLAGS]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the bot against a bare Bolt app; prints a table, writes JSON.",
    )
    parser.add_argument(
        "--scenario",
        dest="scenarios",
        action="append",
        choices=SCENARIOS,
        help="run only this scenario (repeatable; default: all)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes: a smoke run of under a minute"
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        default="",
        help="sample the server with py-spy in every scenario; collapsed stacks go to DIR",
    )
    parser.add_argument(
        "--noisy",
        action="store_true",
        help="a CPU hog process busy on one core while each scenario runs (a shared host)",
    )
    for name in SIZES:
        kind = float if isinstance(getattr(Options(), name), float) else int
        default = getattr(Options(), name), getattr(QUICK, name)
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            dest=name,
            type=kind,
            default=None,
            help=f"{HELP[name]} (default {default[0]:g}, quick {default[1]:g})",
        )
    return parser


def parse(argv: Sequence[str]) -> Options:
    """Options from the command line; sizes not given come from the full or quick defaults."""
    args = _parser().parse_args(list(argv))
    chosen = QUICK if args.quick else Options()
    given = {name: getattr(args, name) for name in SIZES if getattr(args, name) is not None}
    given |= {"profile": args.profile, "noisy": args.noisy}
    if args.scenarios:
        given["scenarios"] = tuple(s for s in SCENARIOS if s in args.scenarios)
    return replace(chosen, **given)
