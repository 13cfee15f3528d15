"""Starting the bot: the sandbox without Slack settings, refusals with one clear line, the
embedded store, Redis trouble."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from testkit.bot_process import start_bot, stop_process
from testkit.fakes.slack import FakeSlack
from testkit.flows import command, link, text_of
from testkit.sandbox_process import running_sandbox, sandbox_env
from testkit.support import free_port, wait_until


def run_briefly(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def status_reply(messages: list[dict[str, object]]) -> str | None:
    """The text of the bot's answer to `/kudos status`, once it is there."""
    return next((str(m["text"]) for m in messages if "Achievers*:" in str(m["text"])), None)


def test_nothing_set_starts_the_sandbox(tmp_path: Path) -> None:
    """No Slack settings at all: `python -m bot` prints one URL, the page works, and the bot
    uses its embedded store even when REDIS_URL points somewhere (here: at nothing)."""
    port = free_port()
    env = sandbox_env(port, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    with running_sandbox(tmp_path, env=env) as sandbox:
        assert sandbox.url == f"http://127.0.0.1:{port}/"
        assert sandbox.lines() == [f"Kudos Bridge sandbox: open {sandbox.url}"]
        assert sandbox.say("U0ANA", "/kudos status").json()["ok"]
        reply = wait_until(lambda: status_reply(sandbox.messages("U0ANA")))
        assert "not linked" in reply and "temporarily unavailable" not in reply


def test_sandbox_command_ignores_slack_settings(tmp_path: Path) -> None:
    """`python -m bot sandbox` is a sandbox whatever the environment says."""
    env = sandbox_env(free_port(), SLACK_SIGNING_SECRET="real", SLACK_BOT_TOKEN="xoxb-real")
    with running_sandbox(tmp_path, "sandbox", env=env) as sandbox:
        assert sandbox.say("U0BOB", "/kudos status").json()["ok"]
        assert "not linked" in wait_until(lambda: status_reply(sandbox.messages("U0BOB")))
        assert sandbox.say("U_NOBODY", "/kudos status").status_code == 403


@pytest.mark.parametrize(
    ("missing", "expected"),
    [
        ("SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET is not set"),
        ("SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN is not set"),
        ("TOKEN_ENCRYPTION_KEYS", "TOKEN_ENCRYPTION_KEYS is required with REDIS_URL"),
    ],
)
def test_missing_setting_stops_with_one_line(
    bot_env: dict[str, str], tmp_path: Path, missing: str, expected: str
) -> None:
    """Half a Slack configuration (or a Redis without keys) is a mistake, not a sandbox."""
    result = run_briefly({k: v for k, v in bot_env.items() if k != missing}, tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"TOKEN_ENCRYPTION_KEYS": ""}, "REDIS_URL: generate a key with `python -c"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL is not a Redis URL"),
        ({"REDIS_URL": "redis://127.0.0.1:not-a-port/0"}, "REDIS_URL is not a Redis URL"),
        (
            {"PROMETHEUS_MULTIPROC_DIR": "/dev/null/metrics"},
            "PROMETHEUS_MULTIPROC_DIR=/dev/null/metrics can't hold the metrics files (Not a dir",
        ),
    ],
    ids=["empty-keys", "no-scheme", "bad-port", "metrics-directory"],
)
def test_unusable_value_stops_with_one_line(
    bot_env: dict[str, str], tmp_path: Path, given: dict[str, str], expected: str
) -> None:
    """As copied from .env.example and half filled in: exit status 2, one line, no traceback."""
    result = run_briefly(bot_env | given, tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not-a-port" not in result.stderr


def test_bad_encryption_key_is_explained(bot_env: dict[str, str], tmp_path: Path) -> None:
    result = run_briefly(bot_env | {"TOKEN_ENCRYPTION_KEYS": "not-a-key"}, tmp_path)
    assert result.returncode == 2 and "Fernet keys" in result.stderr
    assert "Traceback" not in result.stderr


def test_embedded_store_warns_and_works(
    bot_env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack
) -> None:
    """`REDIS_URL=` and `TOKEN_ENCRYPTION_KEYS=` left empty, as in .env.example: unset."""
    env = bot_env | {"REDIS_URL": "", "TOKEN_ENCRYPTION_KEYS": ""}
    bot = start_bot(env, tmp_path, fake_slack)
    try:
        assert "embedded in-memory store" in bot.log_text()
        link(bot)
        assert "linked as Ana Lopez" in text_of(command(bot, "status", name="/kudos"))
        assert httpx.get(f"{bot.base_url}/readyz").status_code == 200
    finally:
        stop_process(bot.process)


def test_redis_down_fails_closed_and_politely(
    bot_env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack
) -> None:
    env = bot_env | {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    bot = start_bot(env, tmp_path, fake_slack)
    try:
        assert httpx.get(f"{bot.base_url}/healthz").status_code == 200
        assert httpx.get(f"{bot.base_url}/readyz").status_code == 503
        reply = command(bot, "status", name="/kudos")
        assert "temporarily unavailable" in text_of(reply)
        page = httpx.get(
            f"{bot.base_url}/oauth/achievers/callback", params={"state": "x" * 43, "code": "c"}
        )
        assert page.status_code == 400 and "temporarily unavailable" in page.text
    finally:
        stop_process(bot.process)
    wait_until(lambda: bot.process.poll() is not None)
