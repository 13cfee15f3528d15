"""Culture Amp: read-only, one app-level token, people from a directory the bot keeps."""

from __future__ import annotations

from typing import Any

from tests.bot_process import BotProcess
from tests.e2e.flows import command, element, text_of
from tests.e2e.platform_flows import OPEN, Launch, lookup
from tests.fakes import FakeAchievers, FakeCultureAmp
from tests.support import wait_until

WARMING = "still reading the company directory"
PAGES = 3  # 252 employees, 100 a page


def whois(bot: BotProcess, who: str) -> Any:
    return lookup(bot, f"whois <@{who}> cultureamp")


def test_whois_reads_the_directory_once(launch: Launch, fake_cultureamp: FakeCultureAmp) -> None:
    fake_cultureamp.latency = 0.5  # the walk that starts with the bot is still on its first page
    bot = launch("cultureamp")
    assert WARMING in text_of(whois(bot, "U_BOB"))
    fake_cultureamp.latency = 0.0  # from now on a walk takes milliseconds, so a second one shows
    wait_until(lambda: fake_cultureamp.employee_requests() >= PAGES)

    def answered() -> Any:
        reply = whois(bot, "U_BOB")
        return None if WARMING in text_of(reply) else reply

    card = text_of(wait_until(answered))
    assert "*Bob Stone*" in card and "bob@example.com" in card and "From Culture Amp" in card
    assert fake_cultureamp.employee_requests() == PAGES
    assert "*Ana Lopez*" in text_of(whois(bot, "U_ANA"))  # from another page of the same walk
    assert "Dan Moss is not on Culture Amp" in text_of(whois(bot, "U_DAN"))
    assert "*Bob Stone*" in text_of(whois(bot, "U_BOB"))
    assert fake_cultureamp.employee_requests() == PAGES
    assert fake_cultureamp.grant_counts() == {"client_credentials": 1}


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
