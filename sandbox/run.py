"""`python -m bot sandbox [--platform achievers|sevengeese|kazoo]` (and `python -m bot` with no
Slack settings at all): the bot, served exactly as in production, with a simulated Slack and
simulated Achievers, 7Geese and YouEarnedIt beside it on 127.0.0.1. The only difference is
configuration: the bot's settings point at the simulations."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence

import httpx
import uvicorn

from bot.services import Services, build_services
from sandbox.config import HOST, PLATFORMS, Sandbox, slack_configured
from sandbox.kazoo import SimulatedKazoo
from sandbox.platform import SimulatedPlatform
from sandbox.sevengeese import SimulatedSevenGeese
from sandbox.simulated_slack import simulated_slack
from sandbox.switch import PlatformSwitch

log = logging.getLogger(__name__)
__all__ = ["run", "slack_configured"]
DEFAULT_PORT = 3000
READY_TIMEOUT = 60.0  # seconds the bot may take to answer /healthz
STOP_TIMEOUT = 5.0


def listen(port: int) -> socket.socket:
    """A socket bound to HOST:port (0: any free port), for uvicorn to serve on."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError:
        sock.close()
        raise
    return sock


def port_of(sock: socket.socket) -> int:
    port: int = sock.getsockname()[1]
    return port


Simulation = SimulatedPlatform | SimulatedSevenGeese | SimulatedKazoo
SIMULATIONS: dict[str, Callable[[str, str, str], Simulation]] = {  # one per name in PLATFORMS
    "achievers": SimulatedPlatform,
    "sevengeese": SimulatedSevenGeese,
    "kazoo": SimulatedKazoo,
}


class Simulations:
    """The simulated Slack (the page) and platforms, served from one event loop in a thread."""

    def __init__(
        self, sandbox: Sandbox, sockets: Sequence[socket.socket], switch: PlatformSwitch
    ) -> None:
        self.sandbox, self.sockets = sandbox, sockets
        # A fresh connection per request: a kept-alive one the bot's server has just closed
        # would fail a request that never reached it.
        self.http = httpx.AsyncClient(limits=httpx.Limits(max_keepalive_connections=0))
        events_url = f"{sandbox.bot_url}/slack/events"
        slack_app, _ = simulated_slack(
            sandbox.signing_secret, sandbox.bot_token, events_url, self.http, switch
        )
        client = (sandbox.client_id, sandbox.client_secret)
        platforms = [
            SIMULATIONS[name](*client, sandbox.redirect_uri(name)).app for name in PLATFORMS
        ]
        self.servers = [
            uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1))
            for app in (slack_app, *platforms)
        ]
        self.thread = threading.Thread(target=asyncio.run, args=(self.serve(),), daemon=True)

    async def serve(self) -> None:
        try:
            await asyncio.gather(
                *(
                    s.serve(sockets=[sock])
                    for s, sock in zip(self.servers, self.sockets, strict=True)
                ),
                self.announce(),
            )
        finally:
            await self.http.aclose()

    async def announce(self) -> None:
        """Print the one line to open, once the bot answers (so the first command works)."""
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline and not any(s.should_exit for s in self.servers):
            try:
                answer = await self.http.get(f"{self.sandbox.bot_url}/healthz", timeout=1)
            except httpx.TransportError:
                answer = None
            if answer is not None and answer.status_code == 200:
                print(f"Kudos Bridge sandbox: open {self.sandbox.page_url}/", flush=True)
                return
            await asyncio.sleep(0.1)
        log.warning("the bot did not answer at %s", self.sandbox.bot_url)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        for server in self.servers:
            server.should_exit = True
        self.thread.join(STOP_TIMEOUT)


def arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot sandbox")
    parser.add_argument(
        "--platform",
        choices=PLATFORMS,
        default=PLATFORMS[0],
        help="the platform /recognize and /kudos link use at first (the page switches it)",
    )
    return parser.parse_args(argv)


def run(serve: Callable[[Services], int], argv: Sequence[str] = ()) -> int:
    """Start the simulations, then `serve` the bot with the sandbox's settings. PORT, when set,
    is where the page listens (the one URL to open)."""
    platform = arguments(argv).platform
    wanted = os.environ.get("PORT") or str(DEFAULT_PORT)
    try:
        page = listen(int(wanted))
    except (OSError, ValueError):
        print(
            f"kudos-bridge sandbox cannot start: port {wanted} is taken (or not a port); "
            "set PORT to a free one.",
            file=sys.stderr,
        )
        return 2
    platforms, bot = [listen(0) for _ in PLATFORMS], listen(0)
    bot_port = port_of(bot)
    bot.close()  # uvicorn binds it again, as `serve` always does
    sandbox = Sandbox.fresh(port_of(page), [port_of(s) for s in platforms], bot_port, platform)
    services = build_services(sandbox.settings())
    simulations = Simulations(sandbox, [page, *platforms], PlatformSwitch(services.registry))
    log.info("sandbox: Slack %s, %s first", sandbox.page_url, platform)
    simulations.start()
    try:
        return serve(services)
    finally:
        simulations.stop()
