"""The Procfile: `web: python -m bot` (its process count from WEB_CONCURRENCY) and a worker line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import web_processes
from bot.settings import Settings

PROCFILE = Path(__file__).resolve().parent.parent / "Procfile"
REDIS = "redis://127.0.0.1:6379/0"


def process_types() -> dict[str, str]:
    lines = PROCFILE.read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def test_web_and_worker_lines() -> None:
    assert process_types() == {"web": "python -m bot", "worker": "python -m bot worker"}


@pytest.mark.parametrize(
    ("redis_url", "web_concurrency", "cores", "processes"),
    [
        (REDIS, None, 2, 2),  # unset: two processes where they can share Redis and cores
        (REDIS, None, 1, 1),
        (REDIS, 4, 2, 4),  # the admin's number wins
        (REDIS, 1, 8, 1),
        (None, None, 8, 1),  # the embedded store lives in one process
        (None, 3, 8, 1),
    ],
)
def test_web_processes(
    monkeypatch: pytest.MonkeyPatch,
    redis_url: str | None,
    web_concurrency: int | None,
    cores: int,
    processes: int,
) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    settings = Settings.model_validate(
        {"redis_url": redis_url, "web_concurrency": web_concurrency, "_env_file": None}
    )
    assert web_processes(settings) == processes
