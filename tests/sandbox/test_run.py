"""sandbox/run.py and sandbox/manifest.py: configuration is the only difference."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sandbox.config import Sandbox, slack_configured
from sandbox.manifest import COMMANDS, SHORTCUTS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty directory (no developer .env), with no Slack variables."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_settings_point_at_the_simulations_whatever_the_environment(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://production.example:6379/0")
    monkeypatch.setenv("SEVENGEESE__CLIENT_ID", "a-real-client")
    (elsewhere / ".env").write_text("SLACK_API_URL=https://slack.com/api/\n")
    settings = Sandbox.fresh(3000, (3001, 3003, 3004), 3002, "kazoo").settings()
    assert settings.redis_url is None and settings.token_encryption_keys is None
    assert settings.slack_api_url == "http://127.0.0.1:3000/api/"
    assert settings.public_url == "http://127.0.0.1:3002" and settings.host == "127.0.0.1"
    assert settings.achievers.base_url == "http://127.0.0.1:3001"
    assert settings.sevengeese.base_url == "http://127.0.0.1:3003"
    assert settings.kazoo.base_url == "http://127.0.0.1:3004"
    enabled = [name for name, p in settings.providers().items() if p.enabled]
    assert enabled == ["achievers", "sevengeese", "kazoo"] and settings.default_provider == "kazoo"


def test_every_sandbox_has_its_own_secrets() -> None:
    first, second = Sandbox.fresh(1, (2, 4, 5), 3), Sandbox.fresh(1, (2, 4, 5), 3)
    assert first.signing_secret != second.signing_secret
    assert first.bot_token != second.bot_token and first.bot_token.startswith("xoxb-")


def test_slack_configured_by_either_setting(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not slack_configured()
    (elsewhere / ".env").write_text("SLACK_SIGNING_SECRET=\nSLACK_BOT_TOKEN=\n")  # .env.example
    assert not slack_configured()
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert slack_configured()
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    (elsewhere / ".env").write_text("SLACK_SIGNING_SECRET=abc\n")
    assert slack_configured()


def test_commands_and_shortcuts_match_the_manifest() -> None:
    features = yaml.safe_load((ROOT / "manifest.yml").read_text())["features"]
    assert list(COMMANDS) == [c["command"] for c in features["slash_commands"]]
    declared = [(s["callback_id"], s["name"], s["type"]) for s in features["shortcuts"]]
    assert [(s.callback_id, s.name, s.type) for s in SHORTCUTS] == declared
