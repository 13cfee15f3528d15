"""Redis round trips and commands per request, from the server's own counters.

`INFO stats` `total_reads_processed` counts the reads Redis made from client sockets: one per
request a client sent and waited for (a pipeline or MULTI/EXEC block arriving together counts
once), so it counts round trips; but a new connection costs a read or two and a closed one a
read, without any command, so connection churn shows up as extra reads (hence
`total_connections_received` too). `INFO commandstats` counts commands by name. All are sampled
around a scenario; the bot's background loops (the outbox consumer's XREADGROUP that blocks up
to 500 ms, the worker check, the directory refresh) are measured over an idle window just
before, and that rate times the scenario's window is subtracted. Our own INFO calls are
subtracted exactly (checked: two snapshots in a row on an idle server differ by nothing)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, cast

import redis

OWN_READS = 2  # between two snapshots: the first's INFO commandstats, the second's INFO stats
IGNORED = {"info"}  # our own sampling
SHOWN = 0.05  # commands with fewer calls per request are left out of `by_command`


@dataclass(frozen=True)
class Usage:
    """Redis' counters at one moment, or what they did over a window (`between`)."""

    seconds: float  # the moment (monotonic), or the window's length
    reads: float
    connections: float
    commands: dict[str, float]

    def rate(self) -> Usage:
        """Per second (for an idle window)."""
        per = 1 / self.seconds if self.seconds else 0.0
        scaled = {name: calls * per for name, calls in self.commands.items()}
        return Usage(1.0, self.reads * per, self.connections * per, scaled)


@dataclass(frozen=True)
class PerRequest:
    """Redis work per request of a scenario, background subtracted."""

    round_trips: float  # reads processed
    commands: float
    connections: float  # connections opened
    by_command: dict[str, float]  # the commands with at least SHOWN calls per request
    background_reads_per_s: float
    window_s: float


class RedisCounter:
    """Samples one Redis server's counters over a dedicated connection."""

    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(url, socket_timeout=5)
        self._client.ping()  # connect now, so connection set-up is never inside a window

    def _info(self, section: str) -> dict[str, Any]:
        return cast(dict[str, Any], self._client.info(section))

    def snapshot(self) -> Usage:
        stats = self._info("stats")
        commands = {
            name.removeprefix("cmdstat_"): float(entry["calls"])
            for name, entry in self._info("commandstats").items()
            if name.removeprefix("cmdstat_") not in IGNORED
        }
        reads, connections = stats["total_reads_processed"], stats["total_connections_received"]
        return Usage(time.monotonic(), float(reads), float(connections), commands)

    @staticmethod
    def between(before: Usage, after: Usage) -> Usage:
        names = set(before.commands) | set(after.commands)
        commands = {n: after.commands.get(n, 0) - before.commands.get(n, 0) for n in names}
        return Usage(
            after.seconds - before.seconds,
            after.reads - before.reads - OWN_READS,
            after.connections - before.connections,
            {name: calls for name, calls in commands.items() if calls},
        )

    def background(self, seconds: float) -> Usage:
        """The idle rate per second, measured over `seconds` of doing nothing."""
        before = self.snapshot()
        time.sleep(seconds)
        return self.between(before, self.snapshot()).rate()

    def close(self) -> None:
        self._client.close()


def per_request(used: Usage, background: Usage, requests: int) -> PerRequest:
    """`used` minus `background` (a rate) over the same window, divided by `requests`."""
    share, window = (1 / requests if requests else 0.0), used.seconds
    names = set(used.commands) | set(background.commands)
    net = {
        name: (used.commands.get(name, 0.0) - background.commands.get(name, 0.0) * window) * share
        for name in names
    }
    return PerRequest(
        round_trips=round((used.reads - background.reads * window) * share, 2),
        commands=round(sum(net.values()), 2),
        connections=round((used.connections - background.connections * window) * share, 2),
        by_command={name: round(n, 2) for name, n in sorted(net.items()) if n >= SHOWN},
        background_reads_per_s=round(background.reads, 2),
        window_s=round(window, 2),
    )
