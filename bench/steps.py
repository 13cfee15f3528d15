"""What every step of `python -m bench` shares: progress lines, the harness's own failures, a
server's log shown when one happens, and running one scenario on one server."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bench.load import HarnessError
from bench.measure import Context, Result, Target
from bench.scenarios import burst, overload, preview, send, status, warm_up
from bench.stack import log_tail
from testkit.bot_process import BotProcess

HARNESS_ERRORS = (
    HarnessError,
    AssertionError,  # testkit.support.wait_until: something never happened
    OSError,
    subprocess.SubprocessError,
    pytest.fail.Exception,  # testkit.bot_process / testkit.redis_process: a process never came up
)
STARTED = time.monotonic()


def progress(step: str) -> None:
    print(f"bench: {time.monotonic() - STARTED:6.1f} s  {step}", file=sys.stderr, flush=True)


@contextmanager
def diagnosed(server: BotProcess) -> Iterator[BotProcess]:
    """On a harness failure, show the end of the server's log before giving up."""
    try:
        yield server
    except HARNESS_ERRORS:
        print(f"--- last lines of {server.log_path}:\n{log_tail(server)}", file=sys.stderr)
        raise


def run_one(context: Context, target: Target, name: str) -> Result:
    progress(f"{name} on {target.label}")
    warm_up(context, target)
    if name == "throughput":
        return status(context, target, throughput=True)
    runners = {"status": status, "preview": preview, "burst": burst, "send": send}
    runners["overload"] = overload
    return runners[name](context, target)
