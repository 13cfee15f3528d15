"""Scale-out read with its CPU accounting: status throughput with 1, 2 and 4 server processes,
the cores each process kind used while firing, req/s per server core, and what stopped it.

On a shared 2-core machine req/s alone says little: the load generator, Redis, the fakes and
whatever else runs there take cores from the server. Per server core, and against the cores
left to the server, it means something: a 2÷1 near the share the server could get is scaling."""

from __future__ import annotations

import os
from dataclasses import dataclass

from bench.measure import Result

NEAR = 0.85  # a resource is the bound when used to this fraction of what it has
UNEVEN = 3  # a server process holding a third of another's connections may starve
OTHERS = ("redis", "loadgen", "fakes")  # the bench's own processes beside the server
ELSEWHERE = "others"  # whatever else kept the machine's cores busy (a shared machine)


PerProcess = list[tuple[int, float]]  # (connections held, cores) of each server process


@dataclass(frozen=True)
class Scaled:
    """One throughput run: how many processes, what it did and with which cores."""

    processes: int
    rps: float
    server_cores: float
    cores: dict[str, float]  # redis, loadgen, fakes, others (the rest of the machine's work)
    left_cores: float  # the machine's cores minus all that: what the server could have had
    rps_per_core: float
    per_process: PerProcess
    loadgen_ms_per_request: float
    bound: str


def machine_cores() -> int:
    return len(os.sched_getaffinity(0))


def bound(server: float, cores: dict[str, float], left: float, each: PerProcess) -> str:
    """What stopped throughput growing: the first resource used up."""
    processes = len(each) or 1
    cap = min(float(processes), left)  # a process uses one core at most
    if server >= NEAR * cap:
        whose = "one per process" if processes <= left else "what the rest of the machine left"
        return f"CPU: the server used {server:.2f} of the {cap:.2f} cores it could ({whose})"
    for name, limit in (("redis", "Redis"), ("loadgen", "the load generator")):
        if cores.get(name, 0.0) >= NEAR:
            return f"{limit}: one core busy ({cores[name]:.2f})"
    fewest, most = min(each, default=(0, 0.0)), max(each, default=(0, 0.0))
    if fewest[0] * UNEVEN < most[0]:
        return (
            f"uneven connections: a process holding {fewest[0]} used {fewest[1]:.2f} cores, "
            f"one holding {most[0]} {most[1]:.2f}"
        )
    return f"not CPU: the server used {server:.2f} of {left:.2f} cores (waiting on I/O)"


def scaled(result: Result, total: int) -> Scaled | None:
    """A throughput result read for scale-out (None: not a throughput run of the bot)."""
    if result.scenario != "throughput" or not result.server.startswith("bot"):
        return None
    processes = int(result.server.partition(" x")[2] or 1)
    server = result.cores.get(result.server, 0.0)
    others = {name: result.cores.get(name, 0.0) for name in OTHERS}
    busy = result.cores.get("machine", server + sum(others.values()))
    others[ELSEWHERE] = round(max(0.0, busy - server - sum(others.values())), 2)
    left = round(total - sum(others.values()), 2)
    rps = result.latency.throughput_rps
    per_core = round(rps / server) if server else 0.0
    loadgen_ms = round(1000 * others["loadgen"] / rps, 3) if rps else 0.0
    each = _per_process(result)
    why = bound(server, others, left, each)
    return Scaled(processes, rps, server, others, left, per_core, each, loadgen_ms, why)


def _per_process(result: Result) -> PerProcess:
    """(connections, cores) of each server process, the busiest first."""
    each = [(held, result.cores.get(name, 0.0)) for name, held in result.connections.items()]
    return sorted(each, reverse=True)


def scale_rows(results: list[Result], total: int | None = None) -> list[Scaled]:
    total = total or machine_cores()
    found = (scaled(result, total) for result in results)
    return sorted((row for row in found if row), key=lambda row: row.processes)


def scale_table(rows: list[Scaled]) -> list[str]:
    """The scale-out lines of the printed table (none without a one-process run)."""
    if not rows or rows[0].processes != 1:
        return []
    one = rows[0]
    lines = [
        f"scale-out, status throughput ({machine_cores()} cores; cores busy while firing):",
        "  procs   req/s  ratio  server  redis loadgen  fakes others  left  req/s/core"
        "  per-core ratio  lg ms/req  connections@cores per process  bound",
    ]
    for row in rows:
        ratio, per_core = row.rps / one.rps, row.rps_per_core / (one.rps_per_core or 1)
        spread = " ".join(f"{held}@{cores:.2f}" for held, cores in row.per_process) or "-"
        lines.append(
            f"  {row.processes:>5}{row.rps:>8.0f}{ratio:>7.2f}{row.server_cores:>8.2f}"
            f"{row.cores['redis']:>7.2f}{row.cores['loadgen']:>8.2f}{row.cores['fakes']:>7.2f}"
            f"{row.cores[ELSEWHERE]:>7.2f}"
            f"{row.left_cores:>6.2f}{row.rps_per_core:>12.0f}{per_core:>16.2f}"
            f"{row.loadgen_ms_per_request:>11.3f}  {spread:<30}  {row.bound}"
        )
    return lines
