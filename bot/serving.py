"""Several server processes on one port, each accepting on a listening socket of its own.

With one listening socket shared by all processes, whichever wakes first takes the connection:
64 keep-alive connections landed 56/8 on two processes (37/27/0/0 on four), so the extra
processes sat idle. With SO_REUSEPORT (Linux) every worker binds its own socket to the same
host:port and the kernel spreads new connections across them by hash. uvicorn's supervisor
still starts the workers, replaces a dead one and forwards signals; the parent holds no
listening socket (one that never accepts would still be handed its share of connections)."""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
from dataclasses import dataclass
from typing import cast

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

log = logging.getLogger("bot")

# Elsewhere (macOS, the BSDs) SO_REUSEPORT hands every connection to one socket, or is absent.
SPREADS = sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def run(config: uvicorn.Config) -> None:
    """Serve as uvicorn.run would, with a listening socket per worker when there are several."""
    if config.workers > 1:
        with contextlib.suppress(KeyboardInterrupt):
            Multiprocess(config, sockets=[_listener(config)]).run()
        return
    server = uvicorn.Server(config)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)


def _listener(config: uvicorn.Config) -> socket.socket:
    """What the supervisor hands each worker it starts: a socket bound in that worker."""
    if not SPREADS:
        log.warning(
            "SO_REUSEPORT is not available here: the %d processes share one listening socket, "
            "so connections may land on them unevenly",
            config.workers,
        )
        return config.bind_socket()
    bind_own_socket(config.host, config.port).close()  # a port in use stops the start here
    log.info("each process accepts on its own socket (SO_REUSEPORT): the kernel spreads them")
    # uvicorn only forwards the list to each spawned worker, where it arrives as a socket.
    return cast(socket.socket, OwnSocket(config.host, config.port))


@dataclass(frozen=True)
class OwnSocket:
    """A listening socket to create in each worker: pickled as its address, it is unpickled in
    the spawned worker as a fresh SO_REUSEPORT socket bound there (the worker listens on it)."""

    host: str
    port: int

    def __reduce__(self) -> tuple[object, tuple[str, int]]:
        return bind_own_socket, (self.host, self.port)


def bind_own_socket(host: str, port: int) -> socket.socket:
    """A TCP socket on host:port that other processes of this user can bind too (SO_REUSEPORT).

    A port held by another program ends this process as uvicorn's failed start does, which
    stops the supervisor instead of restarting the worker again and again."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        log.error("cannot listen on %s:%d: %s", host, port, error)
        raise SystemExit(STARTUP_FAILURE) from error
    sock.set_inheritable(True)
    return sock
