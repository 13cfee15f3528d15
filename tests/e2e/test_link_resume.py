"""Linking doesn't interrupt: the command that needed the link continues by itself after it."""

from __future__ import annotations

from typing import Any

import httpx
import redis

from testkit.bot_process import BotProcess
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.flows import command, element, kudos_answer, press, text_of
from testkit.support import stored, wait_until

RECOGNIZE = "<@U_BOB> great demo #teamwork"


def prompt_then_sign_in(bot: BotProcess, reply: dict[str, Any]) -> httpx.Response:
    """Follow the link prompt's button through the platform back to the callback page."""
    assert "Sign in to Achievers" in text_of(reply), reply
    page = httpx.get(element(reply["blocks"], "link_open")["url"], follow_redirects=True)
    assert page.status_code == 200, page.text
    return page


def reply_saying(bot: BotProcess, seen: int, says: str) -> dict[str, Any]:
    """The first message to Ana's response_url after the first `seen` that says `says`."""
    return wait_until(
        lambda: next((r for r in bot.slack.responses("U_ANA")[seen:] if says in text_of(r)), None)
    )


def test_recognize_continues_at_the_prompt(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    prompt = command(bot, RECOGNIZE)
    seen = len(bot.slack.responses("U_ANA"))
    prompt_then_sign_in(bot, prompt)
    resumed = reply_saying(bot, seen, "Preview")
    assert resumed["replace_original"] is True  # in the prompt's place
    assert "linked to Achievers as Ana Lopez" in text_of(resumed)
    assert "Preview" in text_of(resumed) and "great demo" in text_of(resumed)
    send = element(resumed["blocks"], "recognition_send")
    press(bot, "recognition_send", send["value"])
    [sent] = wait_until(lambda: fake_achievers.recognitions or None)
    assert (sent["nominees"], sent["text"]) == (["1002"], "great demo")
    announced = wait_until(  # in the channel the command was typed in
        lambda: [p for p in bot.slack.calls("chat.postMessage") if p["channel"] == "C1"] or None
    )
    assert "<@U_ANA> recognized <@U_BOB>" in text_of(announced[0])


def test_a_refused_response_url_sends_the_preview_by_dm(
    bot: BotProcess, fake_slack: FakeSlack
) -> None:
    prompt = command(bot, RECOGNIZE)
    gone = "/response/U_ANA"  # refused twice: the link's confirmation, then the preview
    fake_slack.fail_next(404, 2, body="expired_url", content_type="text/plain", path=gone)
    prompt_then_sign_in(bot, prompt)
    dm = wait_until(
        lambda: next(
            (
                m
                for m in fake_slack.calls("chat.postMessage")
                if m.get("channel") == "U_ANA" and "Preview" in text_of(m)
            ),
            None,
        )
    )
    assert "great demo" in text_of(dm) and element(dm["blocks"], "recognition_send")["value"]
    assert fake_slack.faults.pending() == 0


def test_a_lookup_continues(bot: BotProcess) -> None:
    seen = len(bot.slack.responses("U_ANA"))
    prompt = kudos_answer(bot, "values")
    seen = len(bot.slack.responses("U_ANA"))
    prompt_then_sign_in(bot, prompt)
    resumed = reply_saying(bot, seen, "Teamwork")
    assert "on Achievers" in text_of(resumed) and "linked to Achievers" in text_of(resumed)


def test_the_state_holds_no_readable_response_url(bot: BotProcess, redis_url: str) -> None:
    command(bot, RECOGNIZE)
    with redis.Redis.from_url(redis_url) as client:
        everything = stored(client)
    assert any(b"state" in blob for blob in everything)
    assert not any(b"/response/" in blob or b"great demo" in blob for blob in everything)
    assert "/response/" not in bot.log_text()


def test_a_replayed_or_tampered_state_resumes_nothing(bot: BotProcess) -> None:
    prompt = command(bot, RECOGNIZE)
    authorize = httpx.get(element(prompt["blocks"], "link_open")["url"])
    callback = httpx.URL(authorize.headers["location"])
    state = callback.params["state"]
    tampered = httpx.get(callback.copy_set_param("state", state[:-2] + "xx"))
    assert tampered.status_code == 400
    assert httpx.get(callback).status_code == 200
    reply_saying(bot, 0, "Preview")  # the good callback resumed
    seen = len(bot.slack.responses("U_ANA"))
    replay = httpx.get(callback)
    assert replay.status_code == 400 and "expired" in replay.text
    # the one good callback resumed once; neither the tampered one nor the replay added anything
    previews = [r for r in bot.slack.responses("U_ANA") if "Preview" in text_of(r)]
    assert len(previews) == 1
    assert len(bot.slack.responses("U_ANA")) == seen


def test_a_lookups_link_prompt_comes_through_the_response_url(bot: BotProcess) -> None:
    """A command's ack can't be replaced later: the prompt the link replaces is not in it."""
    seen = len(bot.slack.responses("U_ANA"))
    ack = bot.post_command("/kudos", "values", "U_ANA")
    assert ack.status_code == 200 and ack.content == b""
    prompt = reply_saying(bot, seen, "Sign in to Achievers")
    assert prompt["replace_original"] is False  # a new message, which the link then replaces
    seen = len(bot.slack.responses("U_ANA"))
    prompt_then_sign_in(bot, prompt)
    resumed = reply_saying(bot, seen, "Teamwork")
    assert resumed["replace_original"] is True
