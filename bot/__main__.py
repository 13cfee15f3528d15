"""`python -m bot`: settings → services → app → serve."""

from __future__ import annotations

import logging
import sys

import uvicorn

from bot import logs
from bot.app import build_app
from bot.errors import ConfigError
from bot.services import build_services
from bot.settings import load_settings

log = logging.getLogger("bot")


def main(argv: list[str]) -> int:
    logs.configure()
    if argv and argv[0] not in ("serve",):
        print(f"usage: python -m bot [serve]  (unknown command: {argv[0]})", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
        services = build_services(settings)
    except ConfigError as error:
        print(f"kudos-bridge cannot start: {error.user_message}", file=sys.stderr)
        return 2
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
