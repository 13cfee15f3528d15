"""Which processes serve a port and how many established TCP connections each holds (/proc).

With WEB_CONCURRENCY > 1 each worker accepts on a SO_REUSEPORT socket of its own (bot/serving.py;
one shared socket where that is unavailable): this says whether the load generator's keep-alive
connections spread across them."""

from __future__ import annotations

import os
from pathlib import Path

from bench.cpu import children

ESTABLISHED, LISTENING = "01", "0A"
TABLES = ("/proc/net/tcp", "/proc/net/tcp6")


def _inodes(port: int, state: str) -> set[str]:
    """Socket inodes in `state` whose local end is `port`."""
    found: set[str] = set()
    for table in TABLES:
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, inode = fields[1], fields[9]
            if fields[3] == state and int(local.rsplit(":", 1)[1], 16) == port:
                found.add(f"socket:[{inode}]")
    return found


def _open(pid: int, inodes: set[str]) -> set[str]:
    """Which of `inodes` the process `pid` has open."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return set()
    found: set[str] = set()
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target in inodes:
            found.add(target)
    return found


def _count(pid: int, inodes: set[str]) -> int:
    """How many of `inodes` the process `pid` has open."""
    return len(_open(pid, inodes))


def held(pid: int, port: int) -> int:
    """Established connections to `port` that the process `pid` holds."""
    return _count(pid, _inodes(port, ESTABLISHED))


def workers(root: int, port: int) -> list[int]:
    """The children of `root` listening on `port` (its uvicorn workers, not a helper such as
    multiprocessing's resource tracker); `root` itself when it serves alone."""
    listening = _inodes(port, LISTENING)
    return [pid for pid in children(root) if _count(pid, listening)] or [root]


def listeners(pid: int, port: int) -> set[str]:
    """The listening sockets on `port` the process `pid` holds: one of its own per worker with
    SO_REUSEPORT, the same shared one in every worker (and their parent) without."""
    return _open(pid, _inodes(port, LISTENING))
