"""The recognition modal, driven as Slack drives it: opened from an empty `/recognize`, the global
shortcut, the message shortcut and the Home button; submitted with inline errors or delivered."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import httpx

from testkit.bot_process import BotProcess
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.flows import link, posted
from testkit.support import slash_command, wait_until
from tests.e2e.modal_payloads import (
    global_shortcut,
    home_button,
    message_shortcut,
    post,
    view_submission,
)
from tests.e2e.platform_flows import Launch

View = dict[str, Any]
MODAL = "recognition_modal"
USERS, SELECT = "multi_users_select", "static_select"
TEXT, CHECKBOX = "plain_text_input", "checkboxes"
HASH = re.compile(r"^\d+\.\d+\.[0-9a-f]{8}$")  # as the fake issues them


def record_answers(slack: FakeSlack, method: str) -> list[dict[str, Any]]:
    """Keep what the fake answers to `method` (views.open answers carry the view id and hash)."""
    answers: list[dict[str, Any]] = []
    original: Callable[[dict[str, Any]], dict[str, Any]] = slack._methods[method]

    def recording(params: dict[str, Any]) -> dict[str, Any]:
        answers.append(original(params))
        return answers[-1]

    slack._methods[method] = recording
    return answers


def opened(slack: FakeSlack) -> View:
    """The one view the bot opened."""
    [call] = wait_until(lambda: slack.calls("views.open"))
    assert call["view"]["callback_id"] == MODAL
    return call


def filled(slack: FakeSlack) -> View:
    """The form once the platform's values arrived (the update after the open)."""
    [call] = wait_until(lambda: slack.calls("views.update"))
    view: View = call["view"]
    return view


def inputs(view: View) -> dict[str, View]:
    """Input elements by type."""
    return {b["element"]["type"]: b for b in view["blocks"] if b["type"] == "input"}


def option_names(view: View) -> list[str]:
    return [o["text"]["text"] for o in inputs(view)[SELECT]["element"]["options"]]


def metadata(view: View) -> dict[str, str]:
    loaded: dict[str, str] = json.loads(view["private_metadata"])
    return loaded


def submit(bot: BotProcess, view: View, **answers: Any) -> httpx.Response:
    response = post(bot, view_submission(view, "U_ANA", **answers))
    assert response.status_code == 200, response.text
    return response


def texts_to(slack: FakeSlack, channel: str) -> list[str]:
    return [json.dumps(p) for p in slack.calls("chat.postMessage") if p["channel"] == channel]


def test_empty_recognize_opens_the_modal_then_fills_in_the_values(
    bot: BotProcess, fake_slack: FakeSlack
) -> None:
    link(bot)
    answers = record_answers(fake_slack, "views.open")
    url = fake_slack.response_url("U_ANA")
    body = slash_command("/recognize", "  ", user_id="U_ANA", channel_id="C7", response_url=url)
    seen = len(fake_slack.responses("U_ANA"))
    response = bot.post_signed(body)
    assert (response.status_code, response.text) == (200, "")  # no usage hint
    call = opened(fake_slack)
    assert call["trigger_id"] == parse_qs(body.decode())["trigger_id"][0]
    assert metadata(call["view"]) == {"provider": "achievers", "channel": "C7"}
    assert list(inputs(call["view"])) == [USERS, TEXT, CHECKBOX]  # open at once, values later
    form = filled(fake_slack)
    [update] = fake_slack.calls("views.update")
    first = answers[0]["view"]  # the update names the opened view and carries its hash
    assert (update["view_id"], update["hash"]) == (first["id"], first["hash"])
    assert HASH.match(update["hash"])
    assert list(inputs(form)) == [USERS, SELECT, TEXT, CHECKBOX]
    assert option_names(form) == ["Teamwork", "Innovation", "Customer Focus"]
    assert inputs(form)[SELECT]["optional"] is False  # Achievers requires a criterion
    assert inputs(form)[CHECKBOX]["element"]["initial_options"]  # announce: on by default
    assert fake_slack.responses("U_ANA")[seen:] == []  # no preview, no usage hint


def test_recognize_with_text_still_previews(bot: BotProcess, fake_slack: FakeSlack) -> None:
    link(bot)
    bot.post_command("/recognize", "<@U_BOB> thanks #teamwork", "U_ANA")
    wait_until(lambda: any("Preview" in json.dumps(r) for r in fake_slack.responses("U_ANA")))
    assert fake_slack.calls("views.open") == []


def test_global_shortcut_opens_the_modal_without_a_channel(
    bot: BotProcess, fake_slack: FakeSlack
) -> None:
    link(bot)
    payload = global_shortcut("U_ANA")
    response = post(bot, payload)
    assert (response.status_code, response.text) == (200, "")
    call = opened(fake_slack)
    assert call["trigger_id"] == payload["trigger_id"]
    assert metadata(call["view"]) == {"provider": "achievers", "channel": ""}
    assert list(inputs(filled(fake_slack))) == [USERS, SELECT, TEXT]  # nowhere to announce


def test_home_button_opens_the_modal(bot: BotProcess, fake_slack: FakeSlack) -> None:
    link(bot)
    payload = home_button("U_ANA")
    assert post(bot, payload).status_code == 200
    call = opened(fake_slack)
    assert call["trigger_id"] == payload["trigger_id"]
    assert option_names(filled(fake_slack)) == ["Teamwork", "Innovation", "Customer Focus"]


def test_message_shortcut_prefills_author_and_link_and_announces_there(
    bot: BotProcess, fake_slack: FakeSlack, fake_achievers: FakeAchievers
) -> None:
    link(bot)
    payload = message_shortcut(
        "U_ANA", author="U_BOB", channel_id="C9", ts="1700000000.000200", text="fixed prod"
    )
    assert post(bot, payload).status_code == 200
    shown = opened(fake_slack)["view"]
    permalink = "https://fake-team.slack.com/archives/C9/p1700000000000200"
    assert inputs(shown)[USERS]["element"]["initial_users"] == ["U_BOB"]
    assert permalink in inputs(shown)[TEXT]["element"]["initial_value"]
    assert metadata(shown)["channel"] == "C9"
    assert inputs(shown)[CHECKBOX]["element"]["initial_options"]
    form = filled(fake_slack)
    message = inputs(form)[TEXT]["element"]["initial_value"] + "Great catch!"
    assert submit(bot, form, static_select="602", plain_text_input=message).text == ""
    wait_until(lambda: texts_to(fake_slack, "C9"))
    [sent] = fake_achievers.recognitions
    assert (sent["nominees"], sent["criterionId"]) == (["1002"], 602)
    assert permalink in sent["text"] and sent["text"].endswith("Great catch!")


def test_each_mistake_is_shown_on_its_field_and_nothing_is_sent(
    bot: BotProcess, fake_slack: FakeSlack, fake_achievers: FakeAchievers
) -> None:
    link(bot)
    post(bot, global_shortcut("U_ANA"))
    form = filled(fake_slack)
    block = {kind: b["block_id"] for kind, b in inputs(form).items()}
    good: dict[str, Any] = {USERS: ["U_BOB"], SELECT: "601", TEXT: "for the release"}
    checked_by_the_bot: list[tuple[dict[str, Any], str, str]] = [
        ({USERS: []}, USERS, "Pick at least one teammate"),
        ({USERS: ["U_BOB", "U_ANA"]}, USERS, "can't recognize yourself"),
        ({TEXT: "   "}, TEXT, "Add a few words"),
        ({SELECT: None}, SELECT, "Pick a criterion"),
    ]
    for change, kind, expected in checked_by_the_bot:
        before = len(fake_achievers.requests)
        response = submit(bot, form, **(good | change))
        assert response.json()["response_action"] == "errors", change
        assert list(response.json()["errors"]) == [block[kind]], change
        assert expected in response.json()["errors"][block[kind]], change
        assert fake_achievers.requests[before:] == [], change  # the platform wasn't asked
    response = submit(bot, form, **(good | {USERS: ["U_BOB", "U_DAN"]}))  # Dan isn't on it
    assert response.json() == {
        "response_action": "errors",
        "errors": {
            block[USERS]: "I can't find Dan Moss on Achievers (by their Slack e-mail), "
            "so they can't be recognized there yet."
        },
    }
    assert fake_achievers.recognitions == []
    assert fake_slack.calls("chat.postMessage") == []


def test_submit_delivers_once_with_the_value_and_the_announcement(
    bot: BotProcess, fake_slack: FakeSlack, fake_achievers: FakeAchievers
) -> None:
    link(bot)
    bot.post_command("/recognize", "", "U_ANA")
    form = filled(fake_slack)
    answers = {USERS: ["U_BOB", "U_CARL"], SELECT: "603", TEXT: "for the smooth release & <3"}
    response = submit(bot, form, **answers)
    assert (response.status_code, response.text) == (200, "")  # an empty ack closes the modal
    by_channel = {p["channel"]: json.dumps(p) for p in posted(fake_slack, 4)}
    assert set(by_channel) == {"U_ANA", "C1", "U_BOB", "U_CARL"}
    [sent] = fake_achievers.recognitions
    assert (sent["nominees"], sent["criterionId"]) == (["1002", "1003"], 603)
    assert sent["text"] == "for the smooth release & <3"  # exactly as typed
    assert "Recognition sent" in by_channel["U_ANA"]  # the confirmation, by DM
    assert f"/event/{sent['id']}" in by_channel["U_ANA"]
    assert "<@U_ANA> recognized <@U_BOB>, <@U_CARL>" in by_channel["C1"]
    assert "recognized you" in by_channel["U_BOB"]


def test_announcement_unchecked_means_no_announcement(
    bot: BotProcess, fake_slack: FakeSlack, fake_achievers: FakeAchievers
) -> None:
    link(bot)
    bot.post_command("/recognize", "", "U_ANA")
    form = filled(fake_slack)
    response = submit(
        bot, form, **{USERS: ["U_BOB"], SELECT: "601", TEXT: "thanks", CHECKBOX: False}
    )
    assert response.text == ""
    wait_until(lambda: texts_to(fake_slack, "U_BOB") and texts_to(fake_slack, "U_ANA"))
    assert len(fake_achievers.recognitions) == 1
    # the announcement would have come before the recipient's DM
    assert sorted(p["channel"] for p in fake_slack.calls("chat.postMessage")) == ["U_ANA", "U_BOB"]


def test_a_slow_platform_gets_a_sending_ack_and_the_outcome_by_dm(
    bot: BotProcess, fake_slack: FakeSlack, fake_achievers: FakeAchievers
) -> None:
    link(bot)
    post(bot, global_shortcut("U_ANA"))
    form = filled(fake_slack)
    fake_achievers.latency = 2.5  # every call outlasts the 2 s budget for preparing in the ack
    response = submit(bot, form, **{USERS: ["U_BOB"], SELECT: "601", TEXT: "thanks"})
    answer = response.json()
    assert answer["response_action"] == "update"
    assert "Sending" in json.dumps(answer["view"]) and "submit" not in answer["view"]
    dm = wait_until(lambda: texts_to(fake_slack, "U_ANA"), timeout=15)
    assert "Recognition sent" in dm[0]
    assert len(fake_achievers.recognitions) == 1


def test_an_unlinked_user_gets_the_link_button_instead_of_the_form(
    bot: BotProcess, fake_slack: FakeSlack, fake_achievers: FakeAchievers
) -> None:
    post(bot, global_shortcut("U_BOB"))
    shown = opened(fake_slack)["view"]
    assert "submit" not in shown
    [button] = [e for b in shown["blocks"] for e in b.get("elements", []) if e.get("url")]
    assert button["action_id"] == "link_open"
    assert button["url"].startswith(f"{fake_achievers.base_url}/oauth/v2/openIDConnectClient/")
    assert fake_slack.calls("views.update") == []


def test_after_linking_from_the_form_a_button_opens_it_again(
    bot: BotProcess, fake_slack: FakeSlack, fake_achievers: FakeAchievers
) -> None:
    post(bot, global_shortcut("U_BOB"))
    shown = opened(fake_slack)["view"]
    [button] = [e for b in shown["blocks"] for e in b.get("elements", []) if e.get("url")]
    fake_achievers.logged_in = "1002"
    assert httpx.get(button["url"], follow_redirects=True).status_code == 200
    dm = wait_until(
        lambda: next(
            (m for m in posted(fake_slack, 1) if "recognition_give" in json.dumps(m)), None
        )
    )
    assert dm["channel"] == "U_BOB" and "linked to Achievers as Bob" in json.dumps(dm)


def test_culture_amp_explains_why_there_is_no_form(launch: Launch, fake_slack: FakeSlack) -> None:
    bot = launch("cultureamp")
    post(bot, global_shortcut("U_ANA"))
    shown = json.dumps(opened(fake_slack)["view"])
    assert "Culture Amp's API offers no recognitions" in shown
    assert '"submit"' not in shown


def test_a_link_gone_at_submit_is_dmed_with_a_link_button(
    bot: BotProcess, fake_slack: FakeSlack, fake_achievers: FakeAchievers
) -> None:
    link(bot)
    bot.post_command("/recognize", "", "U_ANA")
    form = filled(fake_slack)
    fake_achievers.fail_next(401, times=2, method="POST", path="/api/v5/recognitions")
    assert submit(bot, form, **{USERS: ["U_BOB"], SELECT: "601", TEXT: "thanks"}).text == ""
    [dm] = wait_until(lambda: texts_to(fake_slack, "U_ANA"), timeout=15)
    assert "was not delivered" in dm and "link_open" in dm and "recognition_retry" not in dm
    assert fake_achievers.recognitions == []


def unlinked_submission(bot: BotProcess, fake_slack: FakeSlack, **answers: Any) -> None:
    """The form opened in C9 while linked, submitted after an unlink; then the link made again."""
    link(bot)
    shortcut = message_shortcut(
        "U_ANA", author="U_BOB", channel_id="C9", ts="1700000000.000300", text="shipped"
    )
    assert post(bot, shortcut).status_code == 200
    form = filled(fake_slack)
    assert bot.post_command("/kudos", "unlink", "U_ANA").status_code == 200
    answer = submit(bot, form, **answers).json()
    assert answer["response_action"] == "update" and '"submit"' not in json.dumps(answer)
    [button] = [e for b in answer["view"]["blocks"] for e in b.get("elements", []) if e.get("url")]
    assert httpx.get(button["url"], follow_redirects=True).status_code == 200


def dm_saying(slack: FakeSlack, says: str) -> View:
    def found() -> View | None:
        return next((m for m in slack.calls("chat.postMessage") if says in json.dumps(m)), None)

    message: View = wait_until(found)
    assert message["channel"] == "U_ANA"
    return message


def test_a_form_submitted_unlinked_comes_back_as_its_preview(
    bot: BotProcess, fake_slack: FakeSlack, fake_achievers: FakeAchievers
) -> None:
    unlinked_submission(bot, fake_slack, static_select="603", plain_text_input="for the launch")
    preview = dm_saying(fake_slack, "Preview")
    assert "for the launch" in json.dumps(preview)
    send = next(e for b in preview["blocks"] for e in b.get("elements", []) if e.get("value"))
    assert bot.post_action("recognition_send", send["value"], "U_ANA").status_code == 200
    [sent] = wait_until(lambda: fake_achievers.recognitions or None)
    assert (sent["nominees"], sent["criterionId"], sent["text"]) == (
        ["1002"],
        603,
        "for the launch",
    )
    wait_until(lambda: texts_to(fake_slack, "C9"))  # announced where the form was opened


def test_a_form_the_checks_refuse_after_the_link_comes_back_as_its_button(
    bot: BotProcess, fake_slack: FakeSlack, fake_achievers: FakeAchievers
) -> None:
    unlinked_submission(bot, fake_slack, multi_users_select=["U_NOBODY"], static_select="603")
    assert "recognition_give" in json.dumps(dm_saying(fake_slack, "one click away"))
    assert fake_achievers.recognitions == []
