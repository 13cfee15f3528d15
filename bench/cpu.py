"""CPU seconds used by a process (or a process and its descendants), read from /proc."""

from __future__ import annotations

import os
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name; None if the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def own_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (all its threads); 0 once it is gone."""
    stat = _stat_fields(pid)
    return (int(stat[11]) + int(stat[12])) / TICKS if stat else 0.0


def machine_busy_s() -> float:
    """CPU seconds every core of the machine spent busy (not idle, not waiting on I/O), by
    anyone: on a shared machine, what the bench's own processes did not use went to others."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle, iowait = ticks[3], ticks[4]
    return (sum(ticks[:8]) - idle - iowait) / TICKS


def children(pid: int) -> list[int]:
    """The live children of `pid`."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of `pid` and every live descendant (a server and its worker processes)."""
    return own_cpu_s(pid) + sum(tree_cpu_s(child) for child in children(pid))


QUIET_SHARE = 0.03  # of one core: a server this idle has finished its start-up work
QUIET_STEP_S = 0.5


def wait_quiet(pid: int, longest_s: float) -> float:
    """Wait (up to `longest_s`) until `pid` and its descendants use under QUIET_SHARE of a core
    over QUIET_STEP_S: work a server starts on its own (loading a directory, counting links)
    then stays out of the CPU a scenario is charged. Returns the seconds waited."""
    waited = 0.0
    used = tree_cpu_s(pid)
    while waited < longest_s:
        time.sleep(QUIET_STEP_S)
        waited += QUIET_STEP_S
        now = tree_cpu_s(pid)
        if now - used < QUIET_SHARE * QUIET_STEP_S:
            break
        used = now
    return waited
