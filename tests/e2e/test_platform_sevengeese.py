"""7Geese takes one recipient per request: a Send to two people is two requests."""

from __future__ import annotations

from typing import Any

from testkit.bot_process import BotProcess
from testkit.fakes import FakeSevenGeese
from testkit.flows import element, press, preview, text_of
from testkit.support import wait_until
from tests.e2e.platform_flows import SEND, Launch, draft_id, open_link_on


def click_send(bot: BotProcess, draft: str) -> Any:
    """Press Send without waiting for its reply; return a function that waits for it."""
    seen = len(bot.slack.responses("U_ANA"))
    assert bot.post_action(SEND, draft, "U_ANA").status_code == 200
    return lambda: wait_until(lambda: bot.slack.responses("U_ANA")[seen:])[0]


def test_a_partly_refused_send_fails_naming_who_has_it_and_is_never_resent(
    launch: Launch, fake_sevengeese: FakeSevenGeese
) -> None:
    bot = launch("sevengeese")
    assert open_link_on(bot).status_code == 200
    draft = draft_id(preview(bot, "<@U_BOB> <@U_CARL> for the smooth release #teamwork"))
    fake_sevengeese.latency = 0.5  # Carl's request waits while the refusal is armed
    reply = click_send(bot, draft)
    wait_until(lambda: fake_sevengeese.recognitions)  # Bob's recognition is recorded ...
    fake_sevengeese.fail_next(400)  # ... and Carl's is refused
    fake_sevengeese.latency = 0.0
    shown = reply()
    told = text_of(shown)
    assert "was not delivered" in told
    assert "7Geese has it for Bob Stone but refused it for Carl Diaz" in told
    assert "Nothing was sent" not in told
    retry = element(shown["blocks"], "recognition_retry")
    again = text_of(click_send(bot, draft)())  # the user presses Send again
    assert "no longer active" in again
    assert [r["recipients"] for r in fake_sevengeese.recognitions] == [["2"]]
    assert "Recognition sent to" in text_of(press(bot, "recognition_retry", retry["value"]))
    assert [r["recipients"] for r in fake_sevengeese.recognitions] == [["2"], ["3"]]  # only Carl's
