"""Culture Amp: read-only, one app-level token, people from a directory the bot keeps."""

from __future__ import annotations

import json
from typing import Any

import pytest

from testkit.bot_process import BotProcess
from testkit.fakes import FakeAchievers, FakeCultureAmp
from testkit.flows import command, element, next_reply, text_of
from tests.e2e.platform_flows import OPEN, Launch, lookup

WARMING = "still reading the company directory"
PAGES = 3  # 252 employees, 100 a page


def whois(bot: BotProcess, who: str) -> Any:
    return lookup(bot, f"whois <@{who}> cultureamp")


def test_the_first_whois_waits_for_the_directory(
    launch: Launch, fake_cultureamp: FakeCultureAmp
) -> None:
    fake_cultureamp.latency = 1.0  # the walk that starts with the bot takes a few seconds
    bot = launch("cultureamp")
    seen = len(bot.slack.responses("U_ANA"))
    ack = bot.post_command("/kudos", "whois <@U_BOB> cultureamp", "U_ANA")
    assert "Looking that up" in ack.text and WARMING not in ack.text
    card = text_of(next_reply(bot.slack, "U_ANA", seen))  # when the walk has ended
    assert "*Bob Stone*" in card and "bob@example.com" in card and "From Culture Amp" in card
    assert "first lookup after the bot starts" in card
    assert fake_cultureamp.employee_requests() == PAGES
    fake_cultureamp.latency = 0.0
    ana = text_of(whois(bot, "U_ANA"))  # from another page of the same walk
    assert "*Ana Lopez*" in ana and "first lookup" not in ana
    assert "Dan Moss is not on Culture Amp" in text_of(whois(bot, "U_DAN"))
    assert fake_cultureamp.employee_requests() == PAGES
    assert fake_cultureamp.grant_counts() == {"client_credentials": 1}


@pytest.mark.parametrize(
    ("status", "error", "check"),
    [
        (401, "invalid_client", "CULTUREAMP__CLIENT_ID and CULTUREAMP__CLIENT_SECRET"),
        (400, "invalid_scope", "CULTUREAMP__ENTITY_ID is the id of your Culture Amp account"),
        (503, "temporarily_unavailable", "reachable from the bot at CULTUREAMP__BASE_URL"),
    ],
)
def test_a_failed_walk_says_what_the_admin_should_check(
    launch: Launch, fake_cultureamp: FakeCultureAmp, status: int, error: str, check: str
) -> None:
    body = json.dumps({"error": error})
    fake_cultureamp.fail_next(status, 2, body=body, path="/v1/oauth2/token")  # start-up, whois
    bot = launch("cultureamp")
    answer = text_of(whois(bot, "U_BOB"))
    assert "couldn't read the Culture Amp company directory" in answer and check in answer
    assert WARMING not in answer and "Bob Stone" not in answer


def test_credentials_without_the_employees_permission_are_named(
    launch: Launch, fake_cultureamp: FakeCultureAmp
) -> None:
    fake_cultureamp.credential_permissions = set()
    bot = launch("cultureamp")
    answer = text_of(whois(bot, "U_BOB"))
    assert "API credentials have the permission to read employees" in answer


def test_no_personal_link_and_no_recognitions(
    launch: Launch, fake_cultureamp: FakeCultureAmp
) -> None:
    bot = launch("cultureamp")
    linked = command(bot, "link cultureamp", name="/kudos")
    assert "needs no personal link" in text_of(linked)
    assert OPEN not in str(linked)
    status = text_of(command(bot, "status", name="/kudos"))
    assert "*Culture Amp*: connected for everyone" in status
    refused = text_of(command(bot, "<@U_BOB> thanks for the help"))
    assert "Culture Amp's API offers no recognitions" in refused
    assert "Achievers" not in refused
    assert fake_cultureamp.recognitions == []


def test_recognize_points_to_the_platform_that_can(
    launch: Launch, fake_cultureamp: FakeCultureAmp, fake_achievers: FakeAchievers
) -> None:
    bot = launch("achievers", "cultureamp", default="cultureamp")
    refused = text_of(command(bot, "<@U_BOB> thanks for the help #teamwork"))
    assert "Culture Amp's API offers no recognitions" in refused
    assert "Recognitions in this workspace go to Achievers" in refused
    assert fake_achievers.recognitions == []
    recent = text_of(lookup(bot, "recent"))  # on the default platform, Culture Amp
    assert "Culture Amp's API offers no recognitions" in recent
    assert (
        "Recognitions in this workspace are on Achievers: try `/kudos recent achievers`" in recent
    )
    linked = command(bot, "link achievers", name="/kudos")
    assert element(linked["blocks"], OPEN)["url"].startswith(fake_achievers.base_url)
