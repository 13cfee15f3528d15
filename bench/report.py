"""The results: JSON under bench/results/ and a short table with the targets."""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.measure import Result
from bench.options import Options
from bench.scaling import scale_rows, scale_table
from bench.targets import Check, checks

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Report:
    options: Options
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    results: list[Result] = field(default_factory=list)
    platform_calls: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "unknown"
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return names[0] if names else "unknown"


def _git(*args: str) -> subprocess.CompletedProcess[str] | None:
    """A read-only git command in the repository (never takes the index lock)."""
    try:
        return subprocess.run(  # noqa: S603 - fixed git arguments, no user input
            ["git", "--no-optional-locks", *args],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            check=False,
            cwd=RESULTS.parent.parent,
        )
    except OSError:
        return None


def git_commit() -> str:
    """HEAD, with "+changes" when the working tree differs from it."""
    head, diff = _git("rev-parse", "HEAD"), _git("diff", "--quiet", "HEAD", "--")
    commit = head.stdout.strip() if head and head.returncode == 0 else "unknown"
    return f"{commit}+changes" if diff and diff.returncode == 1 else commit


def machine() -> dict[str, object]:
    return {
        "hostname": socket.gethostname(),
        "cpu_model": cpu_model(),
        "nproc": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": git_commit(),
    }


def as_json(report: Report, found: list[Check]) -> dict[str, Any]:
    return {
        "started_at": report.started_at.isoformat(),
        "machine": machine(),
        "options": asdict(report.options),
        "results": [asdict(result) for result in report.results],
        "platform_calls": report.platform_calls,
        "targets": [asdict(check) | {"verdict": check.verdict} for check in found],
        "scale_out": [asdict(row) for row in scale_rows(report.results)],
        "notes": report.notes,
    }


def write_json(report: Report) -> Path:
    """bench/results/<UTC timestamp>-<hostname>.json"""
    RESULTS.mkdir(exist_ok=True)
    stamp = report.started_at.strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}-{socket.gethostname()}.json"
    found = checks(report.results, report.platform_calls)
    path.write_text(json.dumps(as_json(report, found), indent=2) + "\n")
    return path


HEADER = (
    f"{'scenario':<11}{'server':<10}{'n':>6}{'load':>7}{'p50':>9}{'p95':>9}{'p99':>9}"
    f"{'max':>9}{'req/s':>8}{'err':>5}{'rt/req':>8}{'cmd/req':>8}{'plat/req':>9}"
    f"{'arrived':>12}{'cpu ms/req':>11}  cpu cores"
)


def _row(result: Result) -> str:
    lat, redis = result.latency, result.redis
    trips = f"{redis.round_trips:.2f}" if redis else "-"
    cmds = f"{redis.commands:.2f}" if redis else "-"
    plat = (
        "-"
        if result.platform_calls_per_request is None
        else f"{result.platform_calls_per_request:.2f}"
    )
    arrived = "-" if result.arrived is None else f"{result.arrived}/{result.expected}"
    cpu = "-" if result.cpu_ms_per_request is None else f"{result.cpu_ms_per_request:.3f}"
    use = " ".join(f"{name}={value:.2f}" for name, value in result.cores.items())
    load = f"{result.rate:g}/s" if result.rate else f"c{result.concurrency}"
    return (
        f"{result.scenario:<11}{result.server:<10}{lat.requests:>6}{load:>7}"
        f"{lat.p50_ms:>9.1f}{lat.p95_ms:>9.1f}{lat.p99_ms:>9.1f}{lat.max_ms:>9.1f}"
        f"{lat.throughput_rps:>8.0f}{lat.errors:>5}{trips:>8}{cmds:>8}{plat:>9}{arrived:>12}"
        f"{cpu:>11}  {use}"
    )


def _notes(result: Result) -> list[str]:
    """A result's notes, then its Redis commands per request by name."""
    redis = result.redis
    if redis is None:
        return result.notes
    named = " ".join(f"{name}={calls:g}" for name, calls in redis.by_command.items())
    opened = f"; connections opened per request: {redis.connections:g}"
    if result.told:
        opened += "; answers saying " + ", ".join(f"{k!r}: {n}" for k, n in result.told.items())
    return [*result.notes, f"Redis commands per request: {named or 'none'}{opened}"]


def table(report: Report) -> str:
    """The figures, the targets, and notes, as printed at the end of a run."""
    lines = [
        "ack latency in ms (time to the HTTP 200); rt = Redis round trips; cpu ms/req = server "
        "CPU (all its processes) from the first request until the last reply, per request",
        HEADER,
    ]
    lines += [_row(result) for result in report.results]
    for result in report.results:
        lines += [f"  {result.scenario} {result.server}: {note}" for note in _notes(result)]
    scale = scale_table(scale_rows(report.results))
    lines += ["", *scale] if scale else []
    lines += ["", "targets:"]
    for check in checks(report.results, report.platform_calls):
        lines.append(f"  {check.verdict:<7}{check.name}: {check.value} (target {check.target})")
    lines += ["", "notes:"] + [f"  - {note}" for note in report.notes]
    return "\n".join(lines)


def standing_notes(options: Options) -> list[str]:
    return [
        f"platform latency {options.latency_ms} ms on every Achievers API call; "
        f"{options.senders} linked senders take turns; each bot scenario runs on a fresh "
        f"`python -m bot` after {options.warmup} warm-up status requests",
        "the load generator (its own process), the server, Redis and the fakes (threads of the "
        "bench process) share this machine's cores: see 'cpu cores' (busy while firing)",
        "rt/req and cmd/req: Redis reads processed (round trips) and commands per request, "
        "for the ack and everything it caused (lazy listener, outbox, Send's wait); "
        f"the background rate, measured over {options.idle_s:g} s idle before each scenario, "
        "is subtracted; opening or closing a connection also costs reads (see 'connections "
        "opened')",
        "plat/req: platform calls per request in the window; 'arrived': answers posted to the "
        "response_url (previews for preview/burst; send: recognitions at the platform) before "
        f"the settle limit ({options.settle_s:g} s)",
        "the floor (bare) is a Bolt AsyncApp acking constants on the same uvicorn/Starlette "
        "stack, logging one line per request as the bot does (uvicorn's access line; the "
        "bot's own line goes through its redaction filter); "
        "bare+read (status, throughput) is that floor whose /kudos also makes status's one "
        "read: a GET of the sender's link record (one shared redis-py client), opened with the "
        "bot's TokenCipher",
    ]
