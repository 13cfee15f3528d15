"""The Procfile: a web line serving from several processes by default, and a worker line."""

from __future__ import annotations

import subprocess
from pathlib import Path

PROCFILE = Path(__file__).resolve().parent.parent / "Procfile"


def process_types() -> dict[str, str]:
    lines = PROCFILE.read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def expanded(command: str, env: dict[str, str]) -> str:
    """The command as the shell that runs a Procfile line would expand it."""
    shown = subprocess.run(
        ["sh", "-c", f"echo {command}"], env=env, capture_output=True, text=True, check=True
    )
    return shown.stdout.strip()


def test_web_and_worker_lines() -> None:
    lines = process_types()
    assert set(lines) == {"web", "worker"}
    assert lines["web"].endswith("python -m bot")
    assert lines["worker"] == "python -m bot worker"


def test_web_defaults_to_two_processes_and_honours_web_concurrency() -> None:
    web = process_types()["web"].replace("python -m bot", "").strip()
    assert expanded(web, {}) == "WEB_CONCURRENCY=2"
    assert expanded(web, {"WEB_CONCURRENCY": "4"}) == "WEB_CONCURRENCY=4"
