"""How many established TCP connections to a port each server process holds, read from /proc.

With WEB_CONCURRENCY > 1 the worker processes accept from one shared listening socket: this
says whether the load generator's keep-alive connections spread across them."""

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


def _held(pid: int, inodes: set[str]) -> int:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return 0
    held = 0
    for fd in fds:
        try:
            held += os.readlink(f"/proc/{pid}/fd/{fd}") in inodes
        except OSError:
            continue
    return held


def per_process(root: int, port: int) -> list[int]:
    """Connections to `port` held by each process listening on it: `root` or its workers
    (not a helper such as multiprocessing's resource tracker), most first."""
    listening, established = _inodes(port, LISTENING), _inodes(port, ESTABLISHED)
    workers = [pid for pid in children(root) if _held(pid, listening)] or [root]
    return sorted((_held(pid, established) for pid in workers), reverse=True)
