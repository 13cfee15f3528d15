"""`python -m bot`: settings → services → app → serve."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable

import uvicorn

from bot import logs
from bot.app import build_app, outbox_consumer
from bot.errors import ConfigError, KudosError
from bot.services import Services, build_services
from bot.settings import load_settings

log = logging.getLogger("bot")


USAGE = "usage: python -m bot [serve | worker | rotate-keys]"


def main(argv: list[str]) -> int:
    logs.configure()
    command = argv[0] if argv else "serve"
    if command not in COMMANDS:
        print(f"{USAGE}  (unknown command: {command})", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
        services = build_services(settings)
    except ConfigError as error:
        print(f"kudos-bridge cannot start: {error.user_message}", file=sys.stderr)
        return 2
    return COMMANDS[command](services)


def serve(services: Services) -> int:
    settings = services.settings
    if not services.registry.names():
        log.warning("no platform is enabled: set ACHIEVERS__CLIENT_ID and friends (see README)")
    log.info("listening on %s:%s", settings.host, settings.port)
    uvicorn.run(
        build_app(services),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=True,
        proxy_headers=True,
    )
    return 0


def worker(services: Services) -> int:
    """`python -m bot worker`: deliver queued recognitions until SIGTERM/SIGINT."""
    if services.settings.redis_url is None:
        print(
            "kudos-bridge worker needs REDIS_URL: it shares the queue with the web processes "
            "(a single web process without REDIS_URL delivers by itself).",
            file=sys.stderr,
        )
        return 2
    log.info("outbox worker starting")

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        try:
            await outbox_consumer(services, worker=True).run(stop)
        finally:
            await services.aclose()

    asyncio.run(run())
    return 0


def rotate_keys(services: Services) -> int:
    """`python -m bot rotate-keys`: re-encrypt every token under the first key."""
    if services.settings.redis_url is None:
        print(
            "rotate-keys needs REDIS_URL: the embedded store holds nothing to rotate.",
            file=sys.stderr,
        )
        return 2

    async def run() -> tuple[int, int]:
        try:
            return await services.store.rotate_tokens()
        finally:
            await services.aclose()

    try:
        rotated, dropped = asyncio.run(run())
    except KudosError as error:
        print(f"rotate-keys failed: {error.user_message}", file=sys.stderr)
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
