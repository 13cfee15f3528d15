"""`python -m bot doctor`: a pre-flight an admin runs before going live or when something is
wrong. One line per check, ✓, ✗ (with what to do) or ? (could not tell); exit status 0 only
when nothing failed. Nothing it prints holds a secret."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.doctor import redis_checks, slack_check, web_checks
from bot.doctor.result import Check, NotChecked, Result, Status, failed, line, passed
from bot.errors import ConfigError, StoreUnavailable
from bot.runtime import tasks
from bot.services import Services, build_services
from bot.settings import load_settings
from bot.telemetry import metric_files
from bot.telemetry.logs import redact

CHECK_TIMEOUT = 5.0  # seconds for each check, all its requests included
SETTINGS = "Settings"  # checked first, by the bot's own start-up validation


def plan(services: Services) -> list[Check]:
    """Every check, in the order they are reported."""
    return [
        *redis_checks.CHECKS,
        slack_check.CHECK,
        *web_checks.platform_checks(services.registry),
        *web_checks.CHECKS,
    ]


async def outcome(check: Check, services: Services) -> Result:
    """One check within its time limit; what it cannot tell is `?`, never a failure."""
    try:
        return await tasks.within(CHECK_TIMEOUT, check.run(services))
    except NotChecked as why:
        return Result(Status.UNKNOWN, why.found, why.fix)
    except StoreUnavailable:
        return Result(Status.UNKNOWN, "not checked: Redis did not answer")
    except TimeoutError:
        return failed(f"no answer within {CHECK_TIMEOUT:g} s", "check it is reachable from here")


async def run(services: Services, say: Callable[[str], None]) -> list[Result]:
    """Run every check in turn, reporting each as it ends."""
    results = []
    await services.start()
    try:
        for check in plan(services):
            result = await outcome(check, services)
            say(check.line(result))
            results.append(result)
    finally:
        await services.aclose()
    return results


def summary(results: list[Result]) -> str:
    count = {status: sum(r.status is status for r in results) for status in Status}
    unknown = f"; {count[Status.UNKNOWN]} could not be checked (?)" if count[Status.UNKNOWN] else ""
    if count[Status.FAILED]:
        return f"{count[Status.FAILED]} of {len(results)} checks failed (✗){unknown}."
    return f"{count[Status.PASSED]} of {len(results)} checks passed{unknown}."


def say(line: str) -> None:
    print(redact(line), flush=True)  # the checks never print a secret; this is the last guard


def main() -> int:
    logging.getLogger().setLevel(logging.ERROR)  # the report says it all, once
    metric_files.private()  # its checks' calls are not the bot's: kept out of its metrics
    try:
        metric_files.check_directory()
        services = build_services(load_settings())
    except ConfigError as error:
        say(line(SETTINGS, failed(str(error), "the other checks need it fixed first")))
        return 1
    settings = passed("complete and coherent")
    say(line(SETTINGS, settings))
    results = [settings, *asyncio.run(run(services, say))]
    say(summary(results))
    return 1 if any(r.status is Status.FAILED for r in results) else 0
