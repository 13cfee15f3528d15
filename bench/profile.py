"""`--profile DIR`: py-spy samples the server (and its worker processes) while a scenario runs,
written as collapsed stacks (`py-spy record --format raw`) to DIR/<scenario>-<server>.txt."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.load import HarnessError


@contextmanager
def profiled(directory: str, pid: int, name: str) -> Iterator[None]:
    """Sample `pid` while the block runs; nothing when `directory` is empty."""
    if not directory:
        yield
        return
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        raise HarnessError("--profile needs py-spy: pip install -e '.[dev]'")
    out = Path(directory) / f"{name.replace(' ', '')}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [spy, "record", "--format", "raw", "--subprocesses", "--nonblocking"]
    process = subprocess.Popen(  # noqa: S603 - py-spy from PATH with fixed arguments
        [*command, "--rate", "200", "--pid", str(pid), "--output", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)  # py-spy writes what it sampled, then exits
        process.wait(30)
