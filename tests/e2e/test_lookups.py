"""Lookups without leaving Slack: whois, recent (page by page), values, help."""

from __future__ import annotations

import time
from typing import Any

from testkit.bot_process import BotProcess
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack_limits import blocks_problem
from testkit.flows import command, element, link, next_reply, press, preview, text_of


def kudos(bot: BotProcess, text: str, user: str = "U_ANA") -> Any:
    """A quick /kudos lookup: answered in the ack itself, within Slack's limits; nothing else is
    posted (Slack could not replace a "working" note in the ack by a later answer)."""
    seen = len(bot.slack.responses(user))
    ack = bot.post_command("/kudos", text, user)
    assert ack.status_code == 200, ack.text
    is_json = ack.headers["content-type"].startswith("application/json")
    answer: dict[str, Any] = ack.json() if is_json else {"text": ack.text}
    assert "Looking that up" not in answer["text"] and blocks_problem(answer.get("blocks")) is None
    assert bot.slack.responses(user)[seen:] == []
    return answer


def test_whois_shows_a_person_card_or_says_not_found(bot: BotProcess) -> None:
    link(bot)
    card = text_of(kudos(bot, "whois <@U_BOB|bob>"))
    assert "Bob Stone" in card and "bob@example.com" in card and "From Achievers" in card
    assert "Dan Moss is not on Achievers" in text_of(kudos(bot, "whois <@U_DAN>"))
    assert "Who should I look up?" in text_of(kudos(bot, "whois"))


def test_values_lists_what_can_be_given(bot: BotProcess) -> None:
    link(bot)
    shown = text_of(kudos(bot, "values"))
    for name in ("Teamwork", "Innovation", "Customer Focus"):
        assert name in shown
    assert "#teamwork" in shown


def test_recent_pages_through_the_platforms_pages(
    bot: BotProcess, fake_achievers: FakeAchievers
) -> None:
    link(bot)
    for n in range(6):
        reply = preview(bot, f"<@U_BOB> thanks number {n} #teamwork")
        press(bot, "recognition_send", element(reply["blocks"], "recognition_send")["value"])
    assert len(fake_achievers.recognitions) == 6
    first = kudos(bot, "recent")
    assert "thanks number 5" in text_of(first) and "thanks number 0" not in text_of(first)
    older = press(bot, "recent_older", element(first["blocks"], "recent_older")["value"])
    assert older["replace_original"] is True
    assert "thanks number 0" in text_of(older) and "thanks number 5" not in text_of(older)
    newer = press(bot, "recent_newer", element(older["blocks"], "recent_newer")["value"])
    assert "thanks number 5" in text_of(newer)


def test_recent_about_someone_else(bot: BotProcess) -> None:
    link(bot)
    reply = preview(bot, "<@U_BOB> great pairing #innovation")
    press(bot, "recognition_send", element(reply["blocks"], "recognition_send")["value"])
    shown = text_of(kudos(bot, "recent <@U_BOB>"))
    assert "Bob Stone on Achievers" in shown and "great pairing" in shown


def test_a_forged_page_cursor_changes_nothing(bot: BotProcess) -> None:
    link(bot)
    reply = press(bot, "recent_older", '{"p": "achievers", "path": "/api/v5/users", "q": {}}')
    assert "isn't available" in reply["text"]
    assert "isn't available" in press(bot, "recent_newer", "not json")["text"]


def test_a_slow_lookup_says_so_then_answers_in_a_new_message(
    bot: BotProcess, fake_achievers: FakeAchievers
) -> None:
    link(bot)
    fake_achievers.hang_next(2.5, method="OPTIONS", path="/api/v5/recognitions")
    seen = len(bot.slack.responses("U_ANA"))
    started = time.monotonic()
    ack = bot.post_command("/kudos", "values", "U_ANA")
    assert time.monotonic() - started < 2.5  # Slack waits 3 s
    assert ack.status_code == 200 and "Looking that up" in ack.text
    answer = next_reply(bot.slack, "U_ANA", seen)
    assert "Teamwork" in text_of(answer) and answer["replace_original"] is False


def test_help_and_unknown_subcommands(bot: BotProcess) -> None:
    for text in ("help", "", "dance"):
        shown = command(bot, text, name="/kudos")["text"]
        assert "/kudos recent [@ana] [platform]" in shown and "`/recognize` alone" in shown
        assert "*Recognize for message*" in shown and "e.g. `/kudos values achievers`" in shown
