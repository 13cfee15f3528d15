"""`python -m bot`: settings → services → app → serve (or the sandbox, without Slack settings)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Callable

import uvicorn

from bot import doctor, serving
from bot.app import build_app, outbox_consumer
from bot.errors import ConfigError, KudosError, StoreUnavailable
from bot.ops import worker_metrics
from bot.services import Services, build_services
from bot.settings import Settings, load_settings
from bot.telemetry import logs, metric_files, metrics
from handlers.words import said
from sandbox import run as sandbox

log = logging.getLogger("bot")


APP_FACTORY = "bot.app:app_from_environment"
DEFAULT_WEB_PROCESSES = 2  # with Redis shared and WEB_CONCURRENCY unset
USAGE = "usage: python -m bot [serve | worker | rotate-keys | doctor | sandbox [install]]"


def main(argv: list[str]) -> int:
    logs.configure()
    command = argv[0] if argv else "serve"
    if command not in [*COMMANDS, "sandbox", "doctor"]:
        print(f"{USAGE}  (unknown command: {command})", file=sys.stderr)
        return 2
    if command == "doctor":
        return doctor.main()  # reports unusable settings as its first check
    if command == "sandbox" or (command == "serve" and not sandbox.slack_configured()):
        return sandbox.run(serve, argv[1:])  # the same `serve`, with the sandbox's settings
    try:
        metric_files.check_directory()
        settings = load_settings()
        logs.configure_from(settings)
        services = build_services(settings)
    except ConfigError as error:
        print(f"kudos-bridge cannot start: {error}", file=sys.stderr)
        return 2
    return COMMANDS[command](services)


def serve(services: Services) -> int:
    settings = services.settings
    if not services.registry.names():
        log.warning("no platform is enabled: set one's <NAME>__CLIENT_ID and friends (see README)")
    processes = web_processes(settings)
    log.info("listening on %s:%s (%d process(es))", settings.host, settings.port, processes)
    if processes > 1:
        asyncio.run(services.aclose())  # each process builds its own from the same environment
    serving.run(
        uvicorn.Config(
            build_app(services) if processes == 1 else APP_FACTORY,
            factory=processes > 1,
            workers=processes,
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,  # bot/telemetry/access.py: Slack's requests log their own line
            proxy_headers=True,
        )
    )
    return 0


def web_processes(settings: Settings) -> int:
    """WEB_CONCURRENCY server processes on one port; one when nothing is shared between them.

    Unset, it is two on a machine with two cores or more when Redis is shared, else one.
    """
    wanted = settings.web_concurrency
    if not settings.shared_redis:
        if wanted is not None and wanted > 1:
            log.warning("WEB_CONCURRENCY=%d needs REDIS_URL: serving from one process", wanted)
        return 1
    if wanted is None:
        return DEFAULT_WEB_PROCESSES if (os.cpu_count() or 1) >= DEFAULT_WEB_PROCESSES else 1
    return wanted


def refused(command: str, why: str) -> int:
    """A command that needs the shared Redis, run without it: exit 2, saying why."""
    print(f"{command} needs REDIS_URL (or REDIS_SENTINELS): {why}", file=sys.stderr)
    return 2


def worker(services: Services) -> int:
    """`python -m bot worker`: deliver queued recognitions until SIGTERM/SIGINT."""
    if not services.settings.shared_redis:
        return refused(
            "kudos-bridge worker",
            "it shares the queue with the web processes (a single web process without Redis "
            "delivers by itself).",
        )
    log.info("outbox worker starting")

    async def run() -> None:
        stop = asyncio.Event()
        await services.start()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        metrics.process_started("worker", services.registry.specs())
        try:
            async with worker_metrics.serving(services):
                await outbox_consumer(services, worker=True).run(stop)
        finally:
            await services.aclose()
            metrics.process_stopped()

    asyncio.run(run())
    return 0


def rotate_keys(services: Services) -> int:
    """`python -m bot rotate-keys`: re-encrypt every token under the first key."""
    if not services.settings.shared_redis:
        return refused("rotate-keys", "the embedded store holds nothing to rotate.")

    async def run() -> tuple[int, int]:
        try:
            return await services.store.sealed.rotate()
        finally:
            await services.aclose()

    try:
        rotated, dropped = asyncio.run(run())
    except StoreUnavailable:
        print(
            "rotate-keys failed: Redis at REDIS_URL did not answer. Run it again once Redis is "
            "back; it is safe to run any number of times.",
            file=sys.stderr,
        )
        return 1
    except KudosError as error:
        print(f"rotate-keys failed: {said(error)}", file=sys.stderr)
        return 1
    print(
        f"re-encrypted {rotated} token record(s) under the newest key; "
        f"removed {dropped} no key could open (those users will be asked to link again)."
    )
    return 0


COMMANDS: dict[str, Callable[[Services], int]] = {
    "serve": serve,
    "worker": worker,
    "rotate-keys": rotate_keys,
}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
