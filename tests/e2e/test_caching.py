"""A repeat recognition to a known person costs one platform call, the POST; a failed delivery
forgets who its recipients were, so the next attempt looks them up again."""

from __future__ import annotations

from testkit.bot_process import BotProcess
from testkit.fakes import FakeKazoo
from testkit.flows import press, preview, text_of
from tests.e2e.platform_flows import SEND, Launch, draft_id, open_link_on, recorded

RECOGNIZE = "<@U_BOB> for the smooth release #teamwork"
USERS, RECOGNITIONS = "/api/v3/users", "/api/v3/recognitions"


def platform_calls(fake: FakeKazoo, since: int) -> list[tuple[str, str]]:
    return [(seen.method, seen.path) for seen in recorded(fake).all()[since:]]


def recognize(bot: BotProcess) -> str:
    """Preview and Send; the sender's confirmation text."""
    reply = preview(bot, RECOGNIZE)
    return text_of(press(bot, SEND, draft_id(reply)))


def test_a_repeat_recognition_makes_one_platform_call(
    launch: Launch, fake_kazoo: FakeKazoo
) -> None:
    bot = launch("kazoo")
    assert open_link_on(bot).status_code == 200
    start = len(recorded(fake_kazoo).all())
    assert "Recognition sent" in recognize(bot)
    first = platform_calls(fake_kazoo, start)
    assert ("GET", USERS) in first and ("POST", RECOGNITIONS) in first  # looked up, then sent
    start = len(recorded(fake_kazoo).all())
    assert "Recognition sent" in recognize(bot)
    assert platform_calls(fake_kazoo, start) == [("POST", RECOGNITIONS)]
    assert len(fake_kazoo.recognitions) == 2


def test_a_failed_delivery_forgets_its_recipients(launch: Launch, fake_kazoo: FakeKazoo) -> None:
    bot = launch("kazoo")
    assert open_link_on(bot).status_code == 200
    assert "Recognition sent" in recognize(bot)
    fake_kazoo.fail_next(422, method="POST", path=RECOGNITIONS)  # e.g. Bob left the company
    assert "not sent" in recognize(bot).lower()
    start = len(recorded(fake_kazoo).all())
    preview(bot, RECOGNIZE)
    assert ("GET", USERS) in platform_calls(fake_kazoo, start)  # Bob is looked up afresh
