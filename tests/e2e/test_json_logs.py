"""LOG_FORMAT=json: one JSON object per line; a Slack request's line and the lines of the work it
causes (its lazy listener, the delivery) carry one request id; the user only as a keyed hash."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from testkit.bot_process import BotProcess, start_bot, stop_process
from testkit.fakes.slack import FakeSlack
from testkit.flows import command, link, press, text_of
from testkit.support import wait_until
from tests.e2e.test_outbox import SEND, send_preview


def records(bot: BotProcess) -> list[dict[str, Any]]:
    """Every line of the bot's output, each of which must be one JSON object."""
    lines = bot.log_text().splitlines()
    assert lines
    return [json.loads(line) for line in lines]


@pytest.fixture
def json_bot(
    bot_env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack
) -> Iterator[BotProcess]:
    running = start_bot(bot_env | {"LOG_FORMAT": "json"}, tmp_path / "bot", fake_slack)
    yield running
    stop_process(running.process)


def test_a_send_and_its_delivery_log_one_request_id(json_bot: BotProcess, redis_url: str) -> None:
    link(json_bot)
    draft = send_preview(json_bot)
    assert "Recognition sent" in text_of(press(json_bot, SEND, draft))
    delivered = wait_until(
        lambda: [r for r in records(json_bot) if r["message"] == "delivery on achievers: done"]
    )
    (send,) = [r for r in records(json_bot) if r.get("listener") == SEND]
    assert {"time", "level", "logger", "message", "request_id", "duration_ms"} <= send.keys()
    assert send["team"] == "T1" and send["kind"] == "action" and send["outcome"] == "ok"
    assert send["user"] != "U_ANA" and len(send["user"]) == 16  # a keyed hash, not the id
    assert delivered[0]["request_id"] == send["request_id"]
    assert delivered[0]["user"] == send["user"] and delivered[0]["listener"] == "delivery"
    with redis.Redis.from_url(redis_url) as client:  # queued by the lazy listener, in its context
        intent = json.loads(client.get(f"kb:intent:{draft}") or b"{}")
    assert intent["request_id"] == send["request_id"]
    commands = [r for r in records(json_bot) if r.get("kind") == "command"]
    assert len({r["request_id"] for r in commands}) == len(commands) >= 2
    assert "U_ANA" not in json_bot.log_text()


def test_log_level_hides_what_is_below_it(
    bot_env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack
) -> None:
    bot = start_bot(
        bot_env | {"LOG_FORMAT": "JSON", "LOG_LEVEL": "warning"}, tmp_path / "bot", fake_slack
    )
    try:
        assert "Achievers" in text_of(command(bot, "status", name="/kudos"))
        assert bot.post_signed(b"payload=%7Bnot+json").text == "unreadable request"
        logged = wait_until(lambda: records(bot) if bot.log_text() else None)
        assert [r["message"] for r in logged] == ["unreadable Slack request: JSONDecodeError"]
        assert logged[0]["level"] == "WARNING" and logged[0]["request_id"]
    finally:
        stop_process(bot.process)


def test_a_slack_request_logs_one_line_and_other_routes_an_access_line(
    json_bot: BotProcess,
) -> None:
    """Slack's requests log only their own line (uvicorn's access log is off); every other route
    an access line without its query string, which may carry an OAuth code."""
    assert "Achievers" in text_of(command(json_bot, "status", name="/kudos"))
    assert httpx.get(f"{json_bot.base_url}/healthz").status_code == 200
    callback = f"{json_bot.base_url}/oauth/achievers/callback?code=SECRETCODE&state=nope"
    assert httpx.get(callback).status_code == 400
    access = wait_until(
        lambda: [r["message"] for r in records(json_bot) if "oauth" in r["message"]]
    )
    access = [r["message"] for r in records(json_bot) if r["logger"] == "bot.access"]
    assert [line.split(" ", 1)[1] for line in access[-2:]] == [  # start_bot polled /healthz too
        '"GET /healthz HTTP/1.1" 200',
        '"GET /oauth/achievers/callback HTTP/1.1" 400',
    ]
    assert not [r for r in records(json_bot) if r["logger"].startswith("uvicorn.access")]
    slack = [r for r in records(json_bot) if r.get("kind") == "command"]
    assert len(slack) == 1 and slack[0]["outcome"] == "ok" and slack[0]["listener"] == "/kudos"
    assert "SECRETCODE" not in json_bot.log_text()
