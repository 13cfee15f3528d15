"""Recognize with a reaction: :clap: on a message offers the reactor a private preview recognizing
its author, with a link to it; Send and Cancel as for /recognize; an unlinked reactor gets the
link prompt, and the preview once linked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from testkit.bot_process import BotProcess
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.fakes.slack_oauth import Consent
from testkit.flows import element, link, press, text_of
from testkit.sandbox_process import running_sandbox
from testkit.support import wait_until
from tests.e2e.event_payloads import deliver, reaction_added, reaction_event
from tests.e2e.install_flows import Where, event_from, install, link_in

SEND, CANCEL, VALUE = "recognition_send", "recognition_cancel", "recognition_value"
OPEN_LINK = "link_open"
PERMALINK = "https://fake-team.slack.com/archives/C1/p1700000001000100"


def ephemerals(slack: FakeSlack, count: int) -> list[dict[str, Any]]:
    """The bot's chat.postEphemeral calls, once there are at least `count`."""

    def enough() -> list[dict[str, Any]] | None:
        calls = slack.calls("chat.postEphemeral")
        return calls if len(calls) >= count else None

    return wait_until(enough)


def test_a_clap_previews_a_recognition_of_the_author_and_send_delivers_it(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(bot)
    fake_slack.history.add("C1", "1700000001.000100", "Shipped the fix!", user="U_BOB")
    deliver(bot, reaction_added("U_ANA", "C1", "1700000001.000100", item_user="U_BOB"))
    [shown] = ephemerals(fake_slack, 1)
    assert (shown["channel"], shown["user"]) == ("C1", "U_ANA")  # only the reactor sees it
    assert "<@U_BOB>" in text_of(shown) and PERMALINK in text_of(shown)
    [history] = fake_slack.calls("conversations.history")
    assert (history["latest"], history["inclusive"], history["limit"]) == (
        "1700000001.000100", "1", "1",
    )  # fmt: skip
    block_id = next(b["block_id"] for b in shown["blocks"] if b.get("type") == "actions")
    picked = press(bot, VALUE, "", block_id=block_id, selected_option_value="601")
    sent_reply = press(bot, SEND, str(element(picked["blocks"], SEND)["value"]))
    assert "sent" in text_of(sent_reply).lower()
    [sent] = fake_achievers.recognitions
    assert (sent["nominator"], sent["nominees"]) == ("1001", ["1002"])
    assert sent["text"] == f"For this message: {PERMALINK}"


def test_own_bot_and_repeated_reactions_and_other_emoji_give_nothing(
    bot: BotProcess, fake_slack: FakeSlack
) -> None:
    link(bot)
    fake_slack.history.add("C1", "1700000001.000100", "mine", user="U_ANA")
    fake_slack.history.add("C1", "1700000002.000100", "deploy done", bot_id="B_CI")
    fake_slack.history.add("C1", "1700000003.000100", "good one", user="U_BOB")
    fake_slack.history.add("C1", "1700000004.000100", "another", user="U_CARL")
    deliver(bot, reaction_added("U_ANA", "C1", "1700000001.000100", item_user="U_ANA"))
    deliver(bot, reaction_added("U_ANA", "C1", "1700000002.000100", item_user="B_CI"))
    deliver(bot, reaction_added("U_ANA", "C1", "1700000003.000100", "U_BOB", reaction="eyes"))
    deliver(bot, reaction_added("U_ANA", "C1", "1700000003.000100", item_user="U_BOB"))
    ephemerals(fake_slack, 1)
    deliver(bot, reaction_added("U_ANA", "C1", "1700000003.000100", item_user="U_BOB"))  # again
    deliver(bot, reaction_added("U_ANA", "C1", "1700000004.000100", item_user="U_CARL"))
    shown = ephemerals(fake_slack, 2)
    assert ["<@U_BOB>" in text_of(s) for s in shown] == [True, False]
    assert "<@U_CARL>" in text_of(shown[1])
    assert len(fake_slack.calls("chat.getPermalink")) == 2  # the bot's message went no further
    assert len(fake_slack.calls("chat.postEphemeral")) == 2


def test_a_reply_in_a_thread_is_read_from_the_thread(
    bot: BotProcess, fake_slack: FakeSlack
) -> None:
    link(bot)
    fake_slack.history.add("C1", "1700000001.000100", "question?", user="U_CARL")
    reply_ts = "1700000005.000100"
    fake_slack.history.add("C1", reply_ts, "answer", user="U_BOB", thread_ts="1700000001.000100")
    deliver(bot, reaction_added("U_ANA", "C1", reply_ts, item_user="U_BOB"))
    [shown] = ephemerals(fake_slack, 1)
    assert "<@U_BOB>" in text_of(shown) and "<@U_CARL>" not in text_of(shown)
    assert fake_slack.calls("conversations.replies")[0]["ts"] == reply_ts


def test_an_unlinked_reactor_gets_the_link_prompt_then_the_preview_after_linking(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    fake_slack.history.add("C1", "1700000001.000100", "Shipped the fix!", user="U_BOB")
    deliver(bot, reaction_added("U_ANA", "C1", "1700000001.000100", item_user="U_BOB"))
    [prompt] = ephemerals(fake_slack, 1)
    assert (prompt["channel"], prompt["user"]) == ("C1", "U_ANA")
    page = httpx.get(element(prompt["blocks"], OPEN_LINK)["url"], follow_redirects=True)
    assert page.status_code == 200, page.text
    calls = fake_slack.calls
    [dm] = wait_until(lambda: [p for p in calls("chat.postMessage") if "Preview" in text_of(p)])
    assert dm["channel"] == "U_ANA" and "linked to Achievers as Ana Lopez" in text_of(dm)
    assert "<@U_BOB>" in text_of(dm) and PERMALINK in text_of(dm)
    block_id = next(b["block_id"] for b in dm["blocks"] if b.get("type") == "actions")
    picked = press(bot, VALUE, "", block_id=block_id, selected_option_value="601")
    press(bot, SEND, str(element(picked["blocks"], SEND)["value"]))
    [sent] = wait_until(lambda: fake_achievers.recognitions or None)
    assert (sent["nominees"], sent["text"]) == (["1002"], f"For this message: {PERMALINK}")
    announced = wait_until(  # in the channel of the message reacted to
        lambda: [p for p in calls("chat.postMessage") if p["channel"] == "C1"] or None
    )
    assert "<@U_ANA> recognized <@U_BOB>" in text_of(announced[0])


def test_where_the_bot_may_not_post_the_preview_comes_by_dm(
    bot: BotProcess, fake_slack: FakeSlack
) -> None:
    link(bot)
    fake_slack.not_in_channel.add("C1")
    fake_slack.history.add("C1", "1700000001.000100", "Shipped the fix!", user="U_BOB")
    deliver(bot, reaction_added("U_ANA", "C1", "1700000001.000100", item_user="U_BOB"))
    calls = fake_slack.calls
    [dm] = wait_until(lambda: [p for p in calls("chat.postMessage") if "Preview" in text_of(p)])
    assert dm["channel"] == "U_ANA" and PERMALINK in text_of(dm)


def test_in_the_sandbox_a_clap_links_then_previews_by_dm_and_only_once(
    tmp_path: Path,
) -> None:
    with running_sandbox(tmp_path) as sandbox:
        assert sandbox.say("U0BOB", "shipped the fix").json()["ok"]
        [said] = [m for m in sandbox.messages("U0BOB") if m["text"] == "shipped the fix"]
        react = {"user": "U0ANA", "ts": said["ts"]}
        assert httpx.post(f"{sandbox.url}sandbox/react", json=react).json()["ok"]
        # Ana isn't linked yet: the link prompt, for her eyes only (after reading the message)
        [prompt] = wait_until(lambda: [m for m in sandbox.messages("U0ANA") if m["ephemeral"]])
        assert "Link Achievers" in json.dumps(prompt["blocks"])
        assert [m for m in sandbox.messages("U0BOB") if m["ephemeral"]] == []
        shown: list[dict[str, Any]] = prompt["blocks"]  # type: ignore[assignment]
        url = str(element(shown, OPEN_LINK)["url"])  # Ana signs in as herself
        form = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
        signed_in = {"decision": "allow", "account": "1001"}
        page = httpx.post(url.split("?")[0], data=form | signed_in, follow_redirects=True)
        assert page.status_code == 200, page.text

        def previews() -> list[dict[str, object]]:
            return [m for m in sandbox.messages("U0ANA") if "Preview" in str(m["text"])]

        [preview] = wait_until(previews)  # by DM once linked, recognizing Bob
        assert (preview["channel"], preview["ephemeral"]) == ("D0ANA", False)
        assert "U0BOB" in json.dumps(preview["blocks"])
        assert httpx.post(f"{sandbox.url}sandbox/react", json=react).json()["ok"]  # again
        assert sandbox.say("U0ANA", "/kudos status").json()["ok"]  # handled after it
        wait_until(lambda: [m for m in sandbox.messages("U0ANA") if "linked as" in str(m["text"])])
        assert len(previews()) == 1


def test_a_reaction_slack_couldnt_show_may_be_made_again_and_then_previews(
    bot: BotProcess, fake_slack: FakeSlack
) -> None:
    link(bot)
    fake_slack.history.add("C1", "1700000001.000100", "Shipped the fix!", user="U_BOB")
    refused = '{"ok": false, "error": "internal_error"}'  # Slack has a bad moment, once
    fake_slack.fail_next(200, body=refused, path="/api/conversations.history")
    deliver(bot, reaction_added("U_ANA", "C1", "1700000001.000100", item_user="U_BOB"))
    [sorry] = ephemerals(fake_slack, 1)
    assert "try again in a moment" in text_of(sorry)
    deliver(bot, reaction_added("U_ANA", "C1", "1700000001.000100", item_user="U_BOB"))
    shown = ephemerals(fake_slack, 2)
    assert "<@U_BOB>" in text_of(shown[1]) and PERMALINK in text_of(shown[1])


def test_cancel_on_a_reactions_preview_sends_nothing(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(bot)
    fake_slack.history.add("C1", "1700000001.000100", "Shipped the fix!", user="U_BOB")
    deliver(bot, reaction_added("U_ANA", "C1", "1700000001.000100", item_user="U_BOB"))
    [shown] = ephemerals(fake_slack, 1)
    draft = str(element(shown["blocks"], CANCEL)["value"])
    assert "nothing was sent" in text_of(press(bot, CANCEL, draft))
    assert "no longer active" in text_of(press(bot, SEND, draft))
    assert fake_achievers.recognitions == []


def test_reactions_in_two_workspaces_answer_each_with_its_own_install_and_link(
    multi_bot: BotProcess, fake_slack: FakeSlack
) -> None:
    for team in ("T_A", "T_B"):
        assert install(multi_bot, Consent(team)).status_code == 200
    link_in(multi_bot, Where("T_A"))  # Ana is linked in A only
    fake_slack.history.add("C1", "1700000001.000100", "Shipped the fix!", user="U_BOB")
    clap = reaction_event("U_ANA", "C1", "1700000001.000100", item_user="U_BOB")
    for team in ("T_A", "T_B"):
        assert event_from(multi_bot, Where(team), clap).status_code == 200
    shown = ephemerals(fake_slack, 2)
    by_token = dict(zip(fake_slack.tokens("chat.postEphemeral"), shown, strict=True))
    token_a, token_b = (fake_slack.installs.tokens_of(team)[0] for team in ("T_A", "T_B"))
    assert "<@U_BOB>" in text_of(by_token[token_a]) and PERMALINK in text_of(by_token[token_a])
    assert element(by_token[token_b]["blocks"], OPEN_LINK)  # B: not linked there, a prompt
    assert set(fake_slack.tokens("conversations.history")) == {token_a, token_b}
