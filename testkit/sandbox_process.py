"""`python -m bot` (or `python -m bot sandbox`) as a subprocess, and the one URL it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from testkit.bot_process import stop_process
from testkit.support import free_port, wait_until

REPO_ROOT = Path(__file__).resolve().parent.parent
URL_LINE = re.compile(r"^Kudos Bridge sandbox: open (http://127\.0\.0\.1:\d+/)$")
START_TIMEOUT = 30.0


@dataclass
class SandboxProcess:
    """A running sandbox: the URL it printed, its process and its output files."""

    url: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path
    platform: str = "achievers"  # the one it started on

    def lines(self) -> list[str]:
        """What it printed on stdout so far."""
        return self.stdout.read_text(errors="replace").splitlines()

    def say(self, user: str, text: str) -> httpx.Response:
        """Type `text` in #general as `user`, through the page's own route."""
        return httpx.post(f"{self.url}sandbox/say", json={"user": user, "text": text}, timeout=10)

    def messages(self, user: str) -> list[dict[str, object]]:
        """What `user` sees right now."""
        state = httpx.get(f"{self.url}sandbox/state", params={"user": user, "since": "-2"})
        messages: list[dict[str, object]] = state.json()["messages"]
        return messages


def sandbox_env(port: int, **extra: str) -> dict[str, str]:
    """No Slack settings at all: only PATH, the code, and the port to serve the page on."""
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO_ROOT)}
    return env | {"PYTHONUNBUFFERED": "1", "PORT": str(port)} | extra


def printed_url(stdout: Path, process: subprocess.Popen[bytes]) -> str:
    """Wait for the one line naming the URL to open (failing if the process exits first)."""

    def found() -> str | None:
        assert process.poll() is None, f"the sandbox exited with {process.returncode}"
        for line in stdout.read_text(errors="replace").splitlines():
            match = URL_LINE.match(line)
            if match:
                return match.group(1)
        return None

    return wait_until(found, timeout=START_TIMEOUT)


@contextmanager
def running_sandbox(
    workdir: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[SandboxProcess]:
    """`python -m bot [args]` in `workdir` (so no developer .env is read), stopped after."""
    workdir.mkdir(parents=True, exist_ok=True)
    stdout, stderr = workdir / "stdout.log", workdir / "stderr.log"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            cwd=workdir,
            env=env or sandbox_env(free_port()),
            stdout=out,
            stderr=err,
        )
    try:
        try:
            url = printed_url(stdout, process)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{stderr.read_text(errors='replace')}") from error
        yield SandboxProcess(url, process, stdout, stderr)
    finally:
        stop_process(process)
