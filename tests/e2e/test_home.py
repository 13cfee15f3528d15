"""App Home as a person uses it: open the tab, Link (through the platform and back), Unlink."""

from __future__ import annotations

from typing import Any

import httpx
import redis

from testkit.bot_process import BotProcess
from testkit.fakes import FakeCultureAmp, FakeKazoo
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.flows import command, element, link, press, preview, text_of
from testkit.support import wait_until
from tests.e2e.home_payloads import home_action, home_opened, post_event
from tests.e2e.platform_flows import CONFIRM, Launch, open_link_on

View = dict[str, Any]
GIVE, HOME_LINK, HOME_UNLINK, OPEN = "recognition_give", "home_link", "home_unlink", "link_open"
SEND, CANCEL = "recognition_send", "recognition_cancel"


def shown(view: View) -> str:
    """Everything the user reads on the tab: headers, sections, contexts and button labels."""
    parts = []
    for block in view["blocks"]:
        parts.append(str((block.get("text") or {}).get("text", "")))
        parts += [label(element) for element in block.get("elements", [])]
        parts += [str(block["accessory"]["text"]["text"])] if "accessory" in block else []
    return "\n".join(parts)


def label(element: dict[str, Any]) -> str:
    """A context element's text, or a button's label."""
    text = element.get("text", "")
    return str(text.get("text", "") if isinstance(text, dict) else text)


def buttons(view: View) -> list[tuple[str, str | None]]:
    """(action_id, value) of every button on the tab, in order."""
    found = []
    for block in view["blocks"]:
        elements = [block["accessory"]] if "accessory" in block else block.get("elements", [])
        found += [(e["action_id"], e.get("value")) for e in elements if e.get("type") == "button"]
    return found


def publish_to(slack: FakeSlack, user: str, seen: int, *must_show: str) -> View:
    """The first Home published to `user` after the first `seen` publishes that shows all of
    `must_show` (Home is published again after every change, so later ones may follow)."""

    def match() -> View | None:
        for call in slack.calls("views.publish")[seen:]:
            if call["user_id"] == user and all(part in shown(call["view"]) for part in must_show):
                view: View = call["view"]
                return view
        return None

    view = wait_until(match)
    assert view["type"] == "home"
    return view


def publishes(slack: FakeSlack) -> int:
    return len(slack.calls("views.publish"))


def open_home(bot: BotProcess, user: str = "U_ANA", *must_show: str) -> View:
    seen = publishes(bot.slack)
    response = post_event(bot, home_opened(user))
    assert response.status_code == 200, response.text
    return publish_to(bot.slack, user, seen, "Kudos Bridge", *must_show)


def press_home(
    bot: BotProcess, action_id: str, value: str, on: View, user: str = "U_ANA", *must_show: str
) -> View:
    """Press a Home button and return the Home published in answer."""
    seen = publishes(bot.slack)
    response = bot.post_signed(home_action(action_id, value, user_id=user, blocks=on["blocks"]))
    assert response.status_code == 200, response.text
    return publish_to(bot.slack, user, seen, *must_show)


def status(bot: BotProcess, user: str = "U_ANA") -> str:
    return text_of(command(bot, "status", user, name="/kudos"))


def test_home_before_linking(bot: BotProcess) -> None:
    home = open_home(bot)
    text = shown(home)
    assert "*Achievers*: not linked" in text
    assert "Link your Achievers account to see the recognitions you receive." in text
    assert buttons(home) == [(GIVE, None), (HOME_LINK, "achievers")]
    assert "Give recognition" in text


def test_link_from_home_and_home_follows(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    before = open_home(bot)
    with_sign_in = press_home(bot, HOME_LINK, "achievers", before, "U_ANA", "Continue to")
    assert "Continue to Achievers sign-in" in shown(with_sign_in)
    assert "10 minutes" in shown(with_sign_in)
    url = element(with_sign_in["blocks"], OPEN)["url"]
    assert url.startswith(fake_achievers.base_url)
    assert HOME_LINK not in dict(buttons(with_sign_in))
    seen = publishes(fake_slack)
    page = httpx.get(url, follow_redirects=True)
    assert page.status_code == 200 and "linked to Achievers as Ana Lopez" in page.text
    after = publish_to(fake_slack, "U_ANA", seen, "linked as Ana Lopez")
    assert "*Achievers*: linked as Ana Lopez (ana@example.com)" in shown(after)
    assert buttons(after) == [(GIVE, None), (HOME_UNLINK, "achievers")]
    assert "Continue to" not in shown(after)
    assert "None yet" in shown(after)  # the recent section now reads the platform
    dm = wait_until(
        lambda: [c for c in fake_slack.calls("chat.postMessage") if c["channel"] == "U_ANA"]
    )
    assert "linked to Achievers as Ana Lopez" in dm[-1]["text"]
    assert "linked as Ana Lopez" in status(bot)


def test_failed_link_republishes_home_without_the_used_sign_in(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    with_sign_in = press_home(bot, HOME_LINK, "achievers", open_home(bot), "U_ANA", "Continue")
    fake_achievers.logged_in = "1002"  # Bob signs in at the platform from Ana's button
    seen = publishes(fake_slack)
    page = httpx.get(element(with_sign_in["blocks"], OPEN)["url"], follow_redirects=True)
    assert page.status_code == 400
    after = publish_to(fake_slack, "U_ANA", seen, "not linked")
    assert "Continue to" not in shown(after)
    assert (HOME_LINK, "achievers") in buttons(after)


def test_unlink_from_home_deletes_tokens(bot: BotProcess, redis_url: str) -> None:
    link(bot)
    home = open_home(bot, "U_ANA", "linked as Ana Lopez")
    after = press_home(bot, HOME_UNLINK, "achievers", home, "U_ANA", "Unlinked")
    assert "Unlinked from Achievers; your tokens are deleted." in shown(after)
    assert "*Achievers*: not linked" in shown(after)
    assert (HOME_LINK, "achievers") in buttons(after)
    with redis.Redis.from_url(redis_url) as client:
        assert not list(client.scan_iter("kb:link:*"))
    assert "not linked" in status(bot)


def test_buttons_act_for_the_clicker_only(bot: BotProcess) -> None:
    link(bot)  # Ana
    bobs = open_home(bot, "U_BOB", "not linked")
    after = press_home(bot, HOME_UNLINK, "achievers", bobs, "U_BOB", "weren't linked")
    assert "You weren't linked to Achievers." in shown(after)
    assert "linked as Ana Lopez" in status(bot)  # the value names a platform, never a person


def test_unknown_platform_in_a_button_changes_nothing(bot: BotProcess) -> None:
    link(bot)
    home = open_home(bot, "U_ANA", "linked as Ana Lopez")
    after = press_home(bot, HOME_UNLINK, "<nowhere>", home, "U_ANA", "isn't a platform")
    assert "'nowhere' isn't a platform" in shown(after) and "&lt;" not in shown(after)
    assert "linked as Ana Lopez" in shown(after) and "linked as Ana Lopez" in status(bot)


def test_home_lists_recognitions_received(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    link(bot)  # Ana
    fake_achievers.logged_in = "1002"
    link(bot, "U_BOB")
    given = preview(bot, "<@U_ANA> thanks for the careful review #teamwork", "U_BOB")
    bot.post_action(SEND, element(given["blocks"], CANCEL)["value"], "U_BOB")
    mine = preview(bot, "<@U_CARL> great demo #teamwork", "U_ANA")
    bot.post_action(SEND, element(mine["blocks"], CANCEL)["value"], "U_ANA")
    wait_until(lambda: len(fake_achievers.recognitions) == 2)
    text = shown(open_home(bot, "U_ANA", "careful review"))
    assert "Recognitions you received on Achievers" in text
    assert "*Bob Stone* → Ana Lopez" in text and ">thanks for the careful review" in text
    assert "great demo" not in text  # given by Ana, not received


def test_messages_tab_publishes_nothing(bot: BotProcess, fake_slack: FakeSlack) -> None:
    response = post_event(bot, home_opened("U_ANA", tab="messages"))
    assert response.status_code == 200
    open_home(bot)
    assert [c["user_id"] for c in fake_slack.calls("views.publish")] == ["U_ANA"]


def test_app_level_platform_is_connected_for_everyone(
    launch: Launch, fake_cultureamp: FakeCultureAmp
) -> None:
    bot = launch("achievers", "cultureamp", default="cultureamp")
    home = open_home(bot, "U_ANA", "Culture Amp")
    text = shown(home)
    assert "*Culture Amp*: connected for everyone" in text
    assert buttons(home) == [(GIVE, None), (HOME_LINK, "achievers")]
    assert "Culture Amp's API offers no recognitions." in text


def test_callback_page_survives_a_failing_publish(bot: BotProcess, fake_slack: FakeSlack) -> None:
    with_sign_in = press_home(bot, HOME_LINK, "achievers", open_home(bot), "U_ANA", "Continue")
    failing = {"ok": False, "error": "internal_error"}
    fake_slack._methods["views.publish"] = lambda params: failing  # Slack has a bad moment
    seen = publishes(fake_slack)
    page = httpx.get(element(with_sign_in["blocks"], OPEN)["url"], follow_redirects=True)
    assert page.status_code == 200 and "linked to Achievers as Ana Lopez" in page.text
    wait_until(lambda: publishes(fake_slack) == seen + 1)  # tried; its failure stayed inside
    assert "linked as Ana Lopez" in status(bot)


def test_received_looks_past_a_page_of_given_ones(
    bot: BotProcess, fake_achievers: FakeAchievers
) -> None:
    """Achievers pages hold 5 given and received: Ana's latest 5 were given, Bob's thanks to her
    is on the next page, and Home still finds it."""
    link(bot)  # Ana
    fake_achievers.logged_in = "1002"
    link(bot, "U_BOB")
    given = preview(bot, "<@U_ANA> thanks for the careful review #teamwork", "U_BOB")
    press(bot, SEND, element(given["blocks"], CANCEL)["value"], "U_BOB")
    for n in range(5):
        mine = preview(bot, f"<@U_CARL> great demo number {n} #teamwork", "U_ANA")
        press(bot, SEND, element(mine["blocks"], CANCEL)["value"], "U_ANA")
    assert len(fake_achievers.recognitions) == 6
    text = shown(open_home(bot, "U_ANA", "careful review"))
    assert "*Bob Stone* → Ana Lopez" in text and "great demo" not in text


def test_a_pending_link_is_confirmed_from_home(launch: Launch, fake_kazoo: FakeKazoo) -> None:
    fake_kazoo.me_has_email = False
    bot = launch("kazoo")
    assert "One more step" in open_link_on(bot).text
    home = open_home(bot, "U_ANA", "waiting for you to confirm")
    assert buttons(home) == [(GIVE, None), (CONFIRM, "kazoo"), (HOME_UNLINK, "kazoo")]
    after = press_home(bot, CONFIRM, "kazoo", home, "U_ANA", "linked as Ana Lopez")
    assert "You're linked to YouEarnedIt as Ana Lopez." in shown(after)
    assert buttons(after) == [(GIVE, None), (HOME_UNLINK, "kazoo")]
    assert "*YouEarnedIt*: linked as Ana Lopez" in status(bot)


def test_confirming_in_the_dm_updates_home(launch: Launch, fake_kazoo: FakeKazoo) -> None:
    fake_kazoo.me_has_email = False
    bot = launch("kazoo")
    assert "One more step" in open_link_on(bot).text
    seen = publishes(bot.slack)
    confirmed = press(bot, CONFIRM, "kazoo")
    assert confirmed["replace_original"] is True
    assert "You're linked to YouEarnedIt as Ana Lopez" in confirmed["text"]
    after = publish_to(bot.slack, "U_ANA", seen, "linked as Ana Lopez")
    assert buttons(after) == [(GIVE, None), (HOME_UNLINK, "kazoo")]


def test_a_link_that_expired_for_good_says_so_with_a_link_button(
    bot: BotProcess, fake_achievers: FakeAchievers
) -> None:
    fake_achievers.token_lifetime = 3.0  # Achievers issues no refresh token
    link(bot)

    def expired() -> dict[str, Any] | None:
        reply: dict[str, Any] = command(bot, "status", name="/kudos")
        return reply if "expired" in text_of(reply) else None

    reply = wait_until(expired)
    assert "your link as Ana Lopez has expired" in text_of(reply)
    assert "linked as" not in text_of(reply).replace("your link as", "")
    home = open_home(bot, "U_ANA", "your link as Ana Lopez has expired")
    assert (HOME_LINK, "achievers") in buttons(home) and (HOME_UNLINK, "achievers") not in buttons(
        home
    )
    fake_achievers.token_lifetime = 3600.0
    again = httpx.get(element(reply["blocks"], "link_open")["url"], follow_redirects=True)
    assert again.status_code == 200 and "linked to Achievers" in again.text
    assert "linked as Ana Lopez" in status(bot)
