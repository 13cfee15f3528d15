"""`--noisy`: another tenant's CPU-bound work on this host, as production hosts have it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

SPIN = "while True: pass"


@contextmanager
def cpu_hog(enabled: bool) -> Iterator[int | None]:
    """One process spinning on the last core for as long as the block runs; its pid."""
    if not enabled:
        yield None
        return
    hog = subprocess.Popen([sys.executable, "-c", SPIN])  # noqa: S603 - our own interpreter
    os.sched_setaffinity(hog.pid, {max(os.sched_getaffinity(0))})
    try:
        yield hog.pid
    finally:
        hog.kill()
        hog.wait()
