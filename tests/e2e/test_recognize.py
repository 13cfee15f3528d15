"""/recognize → preview → Send or Cancel, as a linked user does it."""

from __future__ import annotations

import json
import threading
import time

import httpx

from testkit.bot_process import BotProcess
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.flows import command, element, link, next_reply, posted, press, preview, text_of
from testkit.support import wait_until

SEND, CANCEL, VALUE = "recognition_send", "recognition_cancel", "recognition_value"


def draft_id(reply: dict[str, object]) -> str:
    return str(element(reply["blocks"], CANCEL)["value"])  # type: ignore[arg-type]


def test_send_delivers_confirms_and_announces(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(bot)
    reply = preview(bot, "<@U_BOB|bob> <@U_CARL> for the smooth release #TeamWork")
    shown = text_of(reply)
    assert (
        "<@U_BOB>, <@U_CARL>" in shown and "Teamwork" in shown and "for the smooth release" in shown
    )
    assert fake_achievers.recognitions == []  # nothing before Send
    confirmation = press(bot, SEND, draft_id(reply))
    assert confirmation["replace_original"] is True
    [sent] = fake_achievers.recognitions
    assert (sent["nominator"], sent["nominees"]) == ("1001", ["1002", "1003"])
    assert (sent["text"], sent["criterionId"]) == ("for the smooth release", 601)
    assert f"{fake_achievers.base_url}/event/{sent['id']}" in text_of(confirmation)
    by_channel = {post["channel"]: text_of(post) for post in posted(fake_slack, 3)}
    assert "<@U_ANA> recognized <@U_BOB>, <@U_CARL>" in by_channel["C1"]
    for recipient in ("U_BOB", "U_CARL"):  # each recipient hears who and why, with the link
        assert "<@U_ANA> recognized you" in by_channel[recipient]
        assert "for the smooth release" in by_channel[recipient]
        assert f"/event/{sent['id']}" in by_channel[recipient]


def test_announcement_can_be_turned_off(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(bot)
    reply = preview(bot, "<@U_BOB> thanks #teamwork")
    checkbox = element(reply["blocks"], "recognition_announce")
    assert checkbox["initial_options"]  # on by default
    draft = draft_id(reply)
    bot.post_action(
        "recognition_announce", "", "U_ANA", block_id=f"announce:{draft}", selected_options=[]
    )
    wait_until(lambda: fake_achievers.recognitions == [] and True)
    press(bot, SEND, draft)
    dm = wait_until(
        lambda: [p for p in fake_slack.calls("chat.postMessage") if p["channel"] == "U_BOB"]
    )
    assert dm and len(fake_achievers.recognitions) == 1
    assert [p["channel"] for p in fake_slack.calls("chat.postMessage")] == ["U_BOB"]


def test_mid_sentence_mentions_become_names(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    link(bot)
    reply = preview(bot, "<@U_BOB> pairing with <@U_CARL> saved the day #innovation")
    press(bot, SEND, draft_id(reply))
    [sent] = fake_achievers.recognitions
    assert sent["text"] == "pairing with Carl Diaz saved the day"
    assert sent["nominees"] == ["1002", "1003"]


def test_the_word_payload_is_just_a_word(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    """Bolt alone reads a command saying "payload" as an interactive payload: no listener ran."""
    link(bot)
    press(bot, SEND, draft_id(preview(bot, "<@U_BOB> for the payload=fix #innovation")))
    [sent] = fake_achievers.recognitions
    assert sent["text"] == "for the payload=fix"


def test_double_click_sends_once(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    link(bot)
    draft = draft_id(preview(bot, "<@U_BOB> thanks #teamwork"))
    press(bot, SEND, draft)
    second = press(bot, SEND, draft)
    assert "no longer active" in text_of(second) and second["replace_original"] is False
    assert len(fake_achievers.recognitions) == 1


def test_concurrent_sends_deliver_exactly_one(
    bot: BotProcess, fake_achievers: FakeAchievers
) -> None:
    link(bot)
    draft = draft_id(preview(bot, "<@U_BOB> thanks #teamwork"))
    fake_achievers.latency = 0.3  # both clicks are in flight together
    seen = len(bot.slack.responses("U_ANA"))
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def click() -> None:
        barrier.wait()
        statuses.append(bot.post_action(SEND, draft, "U_ANA").status_code)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    # one confirmation and one "no longer active"
    replies = wait_until(lambda: bot.slack.responses("U_ANA")[seen:] if both(bot, seen) else None)
    assert sorted("no longer active" in text_of(reply) for reply in replies) == [False, True]
    assert len(fake_achievers.recognitions) == 1


def both(bot: BotProcess, seen: int) -> bool:
    """Two replies have come since the first `seen`."""
    return len(bot.slack.responses("U_ANA")) >= seen + 2


def test_cancel_sends_nothing(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    link(bot)
    draft = draft_id(preview(bot, "<@U_BOB> thanks #teamwork"))
    reply = press(bot, CANCEL, draft)
    assert reply["replace_original"] is True and "nothing was sent" in reply["text"]
    late = press(bot, SEND, draft)
    assert "no longer active" in text_of(late)
    assert fake_achievers.recognitions == []


def test_cancel_on_a_sent_or_cancelled_draft_says_it_is_gone(
    bot: BotProcess, fake_achievers: FakeAchievers
) -> None:
    link(bot)
    sent = draft_id(preview(bot, "<@U_BOB> thanks #teamwork"))
    press(bot, SEND, sent)
    late = press(bot, CANCEL, sent)
    assert "no longer active" in text_of(late) and late["replace_original"] is False
    cancelled = draft_id(preview(bot, "<@U_BOB> thanks again #teamwork"))
    press(bot, CANCEL, cancelled)
    assert "no longer active" in text_of(press(bot, CANCEL, cancelled))
    assert len(fake_achievers.recognitions) == 1


def test_in_a_dm_nothing_is_announced_and_no_invite_is_advised(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(bot)
    fake_slack.not_in_channel.add("D0ANA")  # as in a DM between two people: the bot can't post
    seen = len(fake_slack.responses("U_ANA"))
    ack = bot.post_command("/recognize", "<@U_BOB> thanks #teamwork", "U_ANA", channel_id="D0ANA")
    assert ack.status_code == 200
    reply = next_reply(fake_slack, "U_ANA", seen)
    assert "Preview" in text_of(reply) and "recognition_announce" not in json.dumps(reply)
    press(bot, SEND, draft_id(reply))
    # the announcement would come before the recipients' DMs, the advice to /invite after it
    [dm] = posted(fake_slack, 1)
    assert dm["channel"] == "U_BOB" and len(fake_achievers.recognitions) == 1


def test_missing_value_is_picked_in_the_preview(
    bot: BotProcess, fake_achievers: FakeAchievers
) -> None:
    link(bot)
    reply = preview(bot, "<@U_BOB> for the release")
    assert all(
        item.get("action_id") != SEND
        for block in reply["blocks"]
        for item in block.get("elements", [])
    )
    picker = element(reply["blocks"], VALUE)
    assert [option["text"]["text"] for option in picker["options"]] == [
        "Teamwork",
        "Innovation",
        "Customer Focus",
    ]
    block_id = next(b["block_id"] for b in reply["blocks"] if b.get("type") == "actions")
    picked = press(bot, VALUE, "", block_id=block_id, selected_option_value="603")
    assert "Customer Focus" in text_of(picked)
    press(bot, SEND, str(element(picked["blocks"], SEND)["value"]))
    assert [r["criterionId"] for r in fake_achievers.recognitions] == [603]


def test_unknown_value_is_named(bot: BotProcess) -> None:
    link(bot)
    reply = preview(bot, "<@U_BOB> for the release #kindness")
    assert "no criterion called *#kindness*" in text_of(reply)
    element(reply["blocks"], VALUE)


def test_refusals_change_nothing(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    link(bot)
    cases = {
        "<@U_ANA> me again #teamwork": "can't recognize yourself",
        "<@U_DAN> thanks #teamwork": "I can't find Dan Moss on Achievers",
        "<@U_BOT> thanks #teamwork": "is a bot",
        "<@U_NOBODY> thanks #teamwork": "can't find <@U_NOBODY>",
        "thanks everyone": "Pick at least one teammate to recognize. Try `/recognize",
        "<@U_BOB> #teamwork": "Add a few words",
    }
    for text, expected in cases.items():
        assert expected in text_of(command(bot, text)), text
    assert fake_achievers.recognitions == []


def test_not_linked_gets_a_link_button(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    reply = command(bot, "<@U_ANA> thanks #teamwork", user="U_BOB")
    url = element(reply["blocks"], "link_open")["url"]
    assert url.startswith(f"{fake_achievers.base_url}/oauth/v2/openIDConnectClient/authorize")


def test_announcement_failure_is_explained(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    fake_slack.not_in_channel.add("C1")
    link(bot)
    press(bot, SEND, draft_id(preview(bot, "<@U_BOB> thanks #teamwork")))
    notice = wait_until(  # the sender hears it by DM
        lambda: [
            m
            for m in fake_slack.calls("chat.postMessage")
            if m["channel"] == "U_ANA" and "couldn't announce" in m.get("text", "")
        ]
    )
    assert notice and len(fake_achievers.recognitions) == 1


def test_ack_arrives_before_a_slow_platform(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    link(bot)
    fake_achievers.latency = 4.0
    started = time.monotonic()
    response = bot.post_command("/recognize", "<@U_BOB> thanks #teamwork", "U_ANA")
    assert response.status_code == 200 and time.monotonic() - started < 3.0
    assert httpx.get(f"{bot.base_url}/healthz").status_code == 200
