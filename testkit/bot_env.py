"""The environment of `python -m bot` wired to the fakes, for the fixtures and the bench."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet

from testkit.fakes import FakeAchievers, FakeSlack

REPO_ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"


def bot_environment(
    port: int, redis_url: str, slack: FakeSlack, achievers: FakeAchievers
) -> dict[str, str]:
    """The complete environment of the bot subprocess (nothing else is inherited but PATH)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO_ROOT),
        "PYTHONUNBUFFERED": "1",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": f"{slack.base_url}/api/",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "REDIS_URL": redis_url,
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ACHIEVERS__BASE_URL": achievers.base_url,
        "ACHIEVERS__CLIENT_ID": achievers.client_id,
        "ACHIEVERS__CLIENT_SECRET": achievers.client_secret,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",  # one process unless a test asks for more
    }
