"""The bot as a subprocess, started and driven as Slack would drive it."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from testkit.fakes.slack import FakeSlack
from testkit.support import block_action, sign, slash_command


def stop_process(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """SIGTERM the process; SIGKILL it if it is still alive after `grace` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class BotProcess:
    """A running `python -m bot` and helpers to talk to it as Slack would."""

    base_url: str
    signing_secret: str
    slack: FakeSlack
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def log_text(self) -> str:
        """Everything the process wrote to stdout and stderr so far."""
        return self.log_path.read_text(errors="replace")

    def post_signed(self, body: bytes, *, timestamp: int | None = None) -> httpx.Response:
        """POST a signed form body to /slack/events."""
        headers = sign(self.signing_secret, body, timestamp)
        return httpx.post(f"{self.base_url}/slack/events", content=body, headers=headers)

    def post_command(
        self,
        command: str,
        text: str,
        user_id: str,
        *,
        team_id: str = "T1",
        channel_id: str = "C1",
        response_key: str | None = None,
    ) -> httpx.Response:
        """Send a slash command; its response_url records under `response_key` (or user_id)."""
        url = self.slack.response_url(response_key or user_id)
        body = slash_command(
            command, text, user_id=user_id, team_id=team_id, channel_id=channel_id, response_url=url
        )
        return self.post_signed(body)

    def post_action(
        self,
        action_id: str,
        value: str,
        user_id: str,
        *,
        team_id: str = "T1",
        channel_id: str = "C1",
        response_key: str | None = None,
        selected_option_value: str | None = None,
        block_id: str = "b1",
        selected_options: list[str] | None = None,
        select_type: str = "static_select",
    ) -> httpx.Response:
        """Press a button (or pick a select option); response_url as in post_command."""
        body = block_action(
            action_id,
            value,
            user_id=user_id,
            team_id=team_id,
            channel_id=channel_id,
            response_url=self.slack.response_url(response_key or user_id),
            selected_option_value=selected_option_value,
            block_id=block_id,
            selected_options=selected_options,
            select_type=select_type,
        )
        return self.post_signed(body)


BOT_START_TIMEOUT = 20.0


def _healthy(base_url: str) -> bool:
    """True when the bot answers GET /healthz with 200."""
    try:
        return httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_for_bot(bot: BotProcess) -> None:
    """Poll /healthz until 200, failing with the bot's log if it exits or never answers."""
    deadline = time.monotonic() + BOT_START_TIMEOUT
    while not _healthy(bot.base_url):
        code = bot.process.poll()
        if code is not None:
            pytest.fail(f"the bot exited with status {code} before serving:\n{bot.log_text()}")
        if time.monotonic() > deadline:
            pytest.fail(
                f"the bot did not answer /healthz in {BOT_START_TIMEOUT} s:\n{bot.log_text()}"
            )
        time.sleep(0.05)


def start_bot(env: dict[str, str], workdir: Path, slack: FakeSlack) -> BotProcess:
    """Start `python -m bot` in `workdir` (so no developer .env is read) and wait until healthy."""
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "bot.log"
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = env["PUBLIC_URL"]
    bot = BotProcess(base_url, env["SLACK_SIGNING_SECRET"], slack, process, log_path, env)
    try:
        _wait_for_bot(bot)
    except BaseException:
        stop_process(process)
        raise
    return bot
