"""YouEarnedIt without an e-mail on /users/me: the link waits for the user to confirm it."""

from __future__ import annotations

import httpx
import redis

from testkit.bot_process import BotProcess
from testkit.fakes import FakeKazoo, FakeSlack
from testkit.flows import command, element, press, preview, text_of
from testkit.support import wait_until
from tests.e2e.platform_flows import CONFIRM, OPEN, REJECT, SEND, Launch, draft_id, open_link_on

RECOGNIZE = "<@U_BOB> thanks for the review #integrity"


def status(bot: BotProcess, user: str = "U_ANA") -> str:
    return text_of(command(bot, "status", user, name="/kudos"))


def assert_not_usable(bot: BotProcess, fake: FakeKazoo) -> None:
    """`/recognize` answers with a link button, not a preview."""
    prompt = command(bot, RECOGNIZE)
    assert "Preview" not in text_of(prompt)
    assert element(prompt["blocks"], OPEN)["url"].startswith(f"{fake.base_url}/oauth/authorize")


def link_without_email(bot: BotProcess, fake: FakeKazoo) -> None:
    """Link; the page and Slack ask for a confirmation instead of saying "linked"."""
    page = open_link_on(bot)
    assert page.status_code == 200 and "One more step" in page.text
    asked = bot.slack.responses("U_ANA")[-1]
    assert asked["replace_original"] is True
    assert "Is this your YouEarnedIt account: *Ana Lopez*?" in text_of(asked)
    assert element(asked["blocks"], CONFIRM)["value"] == "kazoo"
    assert element(asked["blocks"], REJECT)["value"] == "kazoo"
    assert "*YouEarnedIt*: waiting for you to confirm" in status(bot)
    assert_not_usable(bot, fake)


def test_confirming_the_account_activates_the_link(launch: Launch, fake_kazoo: FakeKazoo) -> None:
    fake_kazoo.me_has_email = False
    bot = launch("kazoo")
    link_without_email(bot, fake_kazoo)

    # Bob presses a confirm button naming the same platform: only his own link could be touched.
    bobs = press(bot, CONFIRM, "kazoo", user="U_BOB")
    assert "no link waiting" in text_of(bobs)
    assert "*YouEarnedIt*: not linked" in status(bot, "U_BOB")
    assert "*YouEarnedIt*: waiting for you to confirm" in status(bot)
    assert_not_usable(bot, fake_kazoo)

    confirmed = press(bot, CONFIRM, "kazoo")
    assert confirmed["replace_original"] is True
    assert "You're linked to YouEarnedIt as Ana Lopez" in confirmed["text"]
    assert "*YouEarnedIt*: linked as Ana Lopez" in status(bot)
    press(bot, SEND, draft_id(preview(bot, RECOGNIZE)))
    [sent] = fake_kazoo.recognitions
    assert (sent["sender"], sent["recipients"], sent["value"]) == ("201", ["202"], "11")
    assert sent["message"] == "thanks for the review"


def test_rejecting_the_account_unlinks(
    launch: Launch, fake_kazoo: FakeKazoo, redis_url: str
) -> None:
    fake_kazoo.me_has_email = False
    fake_kazoo.logged_in = "202"  # signed in as Bob from Ana's link: Ana says it isn't her
    bot = launch("kazoo")
    page = open_link_on(bot)
    assert page.status_code == 200 and "One more step" in page.text
    assert "account: *Bob Stone*?" in text_of(bot.slack.responses("U_ANA")[-1])

    rejected = press(bot, REJECT, "kazoo")
    assert rejected["replace_original"] is True
    assert "Nothing was linked to YouEarnedIt" in rejected["text"]
    assert "*YouEarnedIt*: not linked" in status(bot)
    with redis.Redis.from_url(redis_url) as client:
        assert list(client.scan_iter("kb:link:*")) == []
    late = press(bot, CONFIRM, "kazoo")  # the confirm button of the same message, pressed late
    assert "no link waiting" in text_of(late)
    assert "*YouEarnedIt*: not linked" in status(bot)
    assert_not_usable(bot, fake_kazoo)
    assert fake_kazoo.recognitions == []


def test_the_confirmation_question_can_be_found_again(
    launch: Launch, fake_kazoo: FakeKazoo, fake_slack: FakeSlack
) -> None:
    fake_kazoo.me_has_email = False
    bot = launch("kazoo")
    assert "One more step" in open_link_on(bot).text
    waiting = status(bot)
    assert "waiting for you to confirm" in waiting and "/kudos link kazoo" in waiting
    again = command(bot, "link kazoo", name="/kudos")
    assert "Is this your YouEarnedIt account" in text_of(again)
    assert element(again["blocks"], "link_confirm")["value"] == "kazoo"


def test_a_confirmed_link_continues_the_command_that_needed_it(
    launch: Launch, fake_kazoo: FakeKazoo
) -> None:
    fake_kazoo.me_has_email = False
    bot = launch("kazoo")
    prompt = command(bot, RECOGNIZE)
    page = httpx.get(element(prompt["blocks"], OPEN)["url"], follow_redirects=True)
    assert page.status_code == 200 and "One more step" in page.text
    assert "Is this your YouEarnedIt account" in text_of(bot.slack.responses("U_ANA")[-1])
    seen = len(bot.slack.responses("U_ANA"))
    press(bot, CONFIRM, "kazoo")
    resumed = wait_until(
        lambda: next(
            (r for r in bot.slack.responses("U_ANA")[seen:] if "Preview" in text_of(r)), None
        )
    )
    assert resumed["replace_original"] is True  # where the prompt was
    assert "You're linked to YouEarnedIt as Ana Lopez" in text_of(resumed)
    assert "thanks for the review" in text_of(resumed)
    press(bot, SEND, element(resumed["blocks"], SEND)["value"])
    [sent] = wait_until(lambda: fake_kazoo.recognitions or None)
    assert (sent["recipients"], sent["message"]) == (["202"], "thanks for the review")
    again = press(bot, CONFIRM, "kazoo")  # the same button again: the request is not run twice
    assert "You're linked" in text_of(again)
    assert sum("Preview" in text_of(r) for r in bot.slack.responses("U_ANA")[seen:]) == 1
