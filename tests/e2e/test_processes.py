"""WEB_CONCURRENCY: several server processes on one port, sharing everything through Redis."""

from __future__ import annotations

import re
from pathlib import Path

from testkit.bot_process import BotProcess, start_bot, stop_process
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.flows import command, link, press, preview, text_of
from testkit.support import wait_until

SERVER_PROCESS = re.compile(r"Started server process \[(\d+)\]")


def server_pids(bot: BotProcess) -> set[str]:
    return set(SERVER_PROCESS.findall(bot.log_text()))


def test_two_processes_serve_one_port_and_share_state(
    bot_env: dict[str, str],
    tmp_path: Path,
    fake_slack: FakeSlack,
    fake_achievers: FakeAchievers,
) -> None:
    bot = start_bot(bot_env | {"WEB_CONCURRENCY": "2"}, tmp_path / "bot", fake_slack)
    try:
        assert (
            len(wait_until(lambda: server_pids(bot) if len(server_pids(bot)) == 2 else None)) == 2
        )
        link(bot)  # the state is minted by one request and taken by another, in either process
        for _ in range(4):  # requests land on either process: each finds the link and the draft
            reply = preview(bot, "<@U_BOB> for the smooth release #teamwork")
            draft = next(
                e["value"]
                for b in reply["blocks"]
                for e in b.get("elements", [])
                if e.get("action_id") == "recognition_send"
            )
            assert "Recognition sent" in text_of(press(bot, "recognition_send", draft))
        assert len(fake_achievers.recognitions) == 4
    finally:
        stop_process(bot.process)


def test_several_processes_need_redis(
    bot_env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack
) -> None:
    env = {k: v for k, v in bot_env.items() if k not in {"REDIS_URL", "TOKEN_ENCRYPTION_KEYS"}}
    bot = start_bot(env | {"WEB_CONCURRENCY": "2"}, tmp_path / "bot", fake_slack)
    try:
        assert "Achievers" in text_of(command(bot, "status", name="/kudos"))
        assert "WEB_CONCURRENCY=2 needs REDIS_URL" in bot.log_text()
        assert len(server_pids(bot)) == 1
    finally:
        stop_process(bot.process)
