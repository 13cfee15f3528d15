"""Requests Slack did not sign, and buttons pressed by someone else, change nothing."""

from __future__ import annotations

import time

import httpx
import pytest

from testkit.bot_process import BotProcess
from testkit.fakes.achievers import FakeAchievers
from testkit.flows import element, link, preview
from testkit.support import slash_command, wait_until

STALE = int(time.time()) - 10 * 60


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=forged"},
        {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Signature": "v0=00"},
    ],
    ids=["unsigned", "forged", "non-numeric timestamp", "no timestamp"],
)
def test_unsigned_or_forged_requests_are_refused(bot: BotProcess, headers: dict[str, str]) -> None:
    body = slash_command(
        "/kudos", "link", user_id="U_ANA", response_url=bot.slack.response_url("U_ANA")
    )
    response = httpx.post(
        f"{bot.base_url}/slack/events",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    )
    assert response.status_code == 401
    assert bot.slack.responses("U_ANA") == []


def test_stale_signature_is_refused(bot: BotProcess) -> None:
    body = slash_command(
        "/kudos", "link", user_id="U_ANA", response_url=bot.slack.response_url("U_ANA")
    )
    assert bot.post_signed(body, timestamp=STALE).status_code == 401
    assert bot.slack.responses("U_ANA") == []


def test_a_button_acts_as_the_clicker_not_the_owner(
    bot: BotProcess, fake_achievers: FakeAchievers
) -> None:
    link(bot)
    draft = element(preview(bot, "<@U_BOB> thanks #teamwork")["blocks"], "recognition_send")
    response = bot.post_action("recognition_send", draft["value"], "U_CARL")
    assert response.status_code == 200
    reply = wait_until(lambda: bot.slack.responses("U_CARL"))
    assert "no longer active" in reply[0]["text"]
    assert fake_achievers.recognitions == []
