"""`python -m bench [--scenario NAME ...] [--requests N] [--concurrency C] [--latency-ms MS]
[--quick] [--runs N]`: the floor first, then the senders' links, the floor with /kudos status's
read (`bare+read`), then the bot, then the table and JSON (with `--runs`, all of it N times,
then each figure's min–max).

Every bot scenario gets a fresh `python -m bot` (the links stay in Redis), so the aftermath of
one (a backlog, a spent connection pool) never skews the next. Exits 0 whatever the figures
are; 1 only when the harness itself breaks."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from bench import cpu
from bench.measure import Context, Result, Target
from bench.noise import cpu_hog
from bench.options import Options, parse
from bench.outage import outage
from bench.platform_calls import platform_calls
from bench.redis_count import RedisCounter
from bench.report import Report, standing_notes, table, write_json
from bench.scenarios import NoDrafts, warm_up
from bench.spread import spread_table
from bench.stack import (
    bot_env,
    check_reads,
    link_senders,
    running_bare,
    running_bot,
    sender_ids,
    serving_fakes,
)
from bench.steps import HARNESS_ERRORS, diagnosed, progress, run_one
from bench.targets import BARE_READ, READ_FLOORED
from testkit.bot_process import BotProcess
from testkit.redis_process import RedisProcess

FLOOR_SCENARIOS = ("status", "preview", "burst", "overload", "throughput", "send")
BOT_SCENARIOS = ("status", "send", "preview", "burst", "overload", "throughput")
SCALED = (2, 4)  # server processes compared with one, on status throughput


def run_floor(context: Context, env: dict[str, str], workdir: Path, label: str) -> list[Result]:
    """`bare`, or `bare+read` once the senders are linked (its reads must find their records)."""
    read = label == BARE_READ
    scenarios = READ_FLOORED if read else FLOOR_SCENARIOS
    wanted = [name for name in scenarios if name in context.options.scenarios]
    if not wanted:
        return []
    progress(f"starting the floor {label}")
    slack = context.fakes.slack
    with running_bare(env, workdir / label, slack, read=read) as server, diagnosed(server):
        target = Target(label, server, counted=False)
        results = [run_one(context, target, name) for name in wanted]
        if read:
            check_reads(server)
        return results


@contextmanager
def bot_for(
    context: Context, env: dict[str, str], workdir: Path, step: str
) -> Iterator[BotProcess]:
    """A fresh `python -m bot` (one server process) for one step."""
    slack = context.fakes.slack
    with running_bot(env, workdir / f"bot-{step}", slack, 1) as server, diagnosed(server):
        yield server


def link_all(context: Context, env: dict[str, str], workdir: Path) -> None:
    """Every sender linked through the bot (the links stay in Redis for what follows)."""
    progress("linking the senders")
    with bot_for(context, env, workdir, "link") as server:
        link_senders(server, context.fakes, context.senders)
    context.fakes.achievers.latency = context.options.latency_s


def run_bot(context: Context, env: dict[str, str], workdir: Path, report: Report) -> None:
    options, fakes = context.options, context.fakes
    if "platform-calls" in options.scenarios:
        progress("platform-calls on bot")
        with bot_for(context, env, workdir, "calls") as server:
            first_sender, repeats = context.senders[0], options.repeats
            report.platform_calls = platform_calls(server, fakes, first_sender, repeats)
    for name in (name for name in BOT_SCENARIOS if name in options.scenarios):
        with bot_for(context, env, workdir, name) as server:
            try:
                report.results.append(run_one(context, Target("bot", server, True), name))
            except NoDrafts as error:
                report.notes.append(str(error))


def run_scaled(context: Context, env: dict[str, str], workdir: Path, report: Report) -> None:
    """Status throughput with WEB_CONCURRENCY=2 and 4 (the links are already in Redis)."""
    if "throughput" not in context.options.scenarios:
        return
    for processes in SCALED:
        run_processes(context, env, workdir, report, processes)


def run_processes(
    context: Context, env: dict[str, str], workdir: Path, report: Report, processes: int
) -> None:
    progress(f"starting the bot with WEB_CONCURRENCY={processes}")
    with ExitStack() as stack:
        try:
            scaled = running_bot(env, workdir / f"bot-x{processes}", context.fakes.slack, processes)
            server = stack.enter_context(scaled)
        except pytest.fail.Exception as error:  # the bot's failure, not the harness's
            first = " / ".join(str(error).splitlines()[:3])
            report.notes.append(f"the bot with WEB_CONCURRENCY={processes} did not start: {first}")
            return
        stack.enter_context(diagnosed(server))
        workers = len(cpu.children(server.process.pid))
        if workers < processes:
            report.notes.append(
                f"WEB_CONCURRENCY={processes} started {workers} child processes: its "
                "throughput ratio says nothing about scaling yet"
            )
        target = Target(f"bot x{processes}", server, counted=True)
        warm_up(context, target)  # once more: each process warms up on its own
        report.results.append(run_one(context, target, "throughput"))


def run_outage(
    context: Context, env: dict[str, str], workdir: Path, redis: RedisProcess
) -> list[Result]:
    """Last, as it stops Redis (which loses what it held): every command hears 'unavailable'."""
    if "outage" not in context.options.scenarios:
        return []
    with bot_for(context, env, workdir, "outage") as server:
        target = Target("bot", server, counted=True)
        warm_up(context, target)
        progress("outage on bot (Redis stopped)")
        return [outage(context, target, redis)]


def run(options: Options) -> Report:
    report = Report(options)
    senders = sender_ids(options.senders)
    with (
        tempfile.TemporaryDirectory(prefix="kudos-bench-") as temp,
        RedisProcess(Path(temp) / "redis") as redis_server,
        serving_fakes(senders) as fakes,
        cpu_hog(options.noisy),
    ):
        assert redis_server.process is not None
        counter = RedisCounter(redis_server.url)
        context = Context(options, fakes, counter, redis_server.process.pid, senders)
        env = bot_env(fakes, redis_server.url)
        report.results += run_floor(context, env, Path(temp), "bare")
        link_all(context, env, Path(temp))
        report.results += run_floor(context, env, Path(temp), BARE_READ)
        run_bot(context, env, Path(temp), report)
        run_scaled(context, env, Path(temp), report)
        report.results += run_outage(context, env, Path(temp), redis_server)
        counter.close()
    report.notes += standing_notes(options)
    return report


def main(argv: list[str]) -> int:
    options = parse(argv)
    reports: list[Report] = []
    written: list[str] = []
    try:
        for number in range(1, options.runs + 1):
            if options.runs > 1:
                progress(f"run {number} of {options.runs}")
            reports.append(run(options))
            written.append(str(write_json(reports[-1])))
    except HARNESS_ERRORS as error:
        print(f"bench: the harness failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(table(reports[-1]))
    print(f"\nwrote {', '.join(written)}")
    if len(reports) > 1:
        print("\n" + spread_table(reports))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
