"""More values than Slack's 100 static options: the preview and the form offer a type-ahead menu
whose options the bot serves through `block_suggestion`, and a value beyond the 100th is sent."""

from __future__ import annotations

from typing import Any

from testkit.bot_process import BotProcess
from testkit.fakes import FakeSevenGeese
from testkit.fakes.sevengeese import numbered_badges
from testkit.flows import element, press, preview, text_of
from testkit.support import wait_until
from tests.e2e.modal_payloads import block_suggestion, global_shortcut, post, view_submission
from tests.e2e.platform_flows import SEND, Launch, draft_id, open_link_on

PICK, FORM_VALUE = "recognition_value", "value"
BADGES = numbered_badges(150)  # pks 1001…1150, "Badge 0001"…"Badge 0150"


def suggest(
    bot: BotProcess, user: str, action_id: str, block_id: str, typed: str, **kw: Any
) -> Any:
    """Type into a type-ahead menu as `user`; the options the bot answers with."""
    response = post(bot, block_suggestion(user, action_id, block_id, typed, **kw))
    assert response.status_code == 200, response.text
    return response.json()["options"]


def linked_geese(launch: Launch, fake: FakeSevenGeese) -> BotProcess:
    fake.badges = [*fake.badges, *BADGES]
    bot = launch("sevengeese")
    assert open_link_on(bot).status_code == 200
    return bot


def test_the_preview_finds_and_sends_a_value_beyond_the_100th(
    launch: Launch, fake_sevengeese: FakeSevenGeese
) -> None:
    bot = linked_geese(launch, fake_sevengeese)
    reply = preview(bot, "<@U_BOB> for the smooth release")
    picker = element(reply["blocks"], PICK)
    assert picker["type"] == "external_select" and "options" not in picker
    block_id = f"draft:{draft_id(reply)}"
    options = suggest(bot, "U_ANA", PICK, block_id, "badge 014")
    assert [o["text"]["text"] for o in options] == [f"Badge {n:04d}" for n in range(140, 150)]
    assert [o["value"] for o in options][:1] == ["1140"]
    assert len(suggest(bot, "U_ANA", PICK, block_id, "")) == 100  # opened: the first 100
    picked = press(
        bot, PICK, "", block_id=block_id, selected_option_value="1140", select_type=picker["type"]
    )
    assert "Badge 0140" in text_of(picked)
    sent = press(bot, SEND, str(element(picked["blocks"], SEND)["value"]))
    assert "Recognition sent to" in text_of(sent)
    assert [r["value"] for r in fake_sevengeese.recognitions] == ["1140"]


def test_suggestions_go_only_to_the_drafts_author_and_to_linked_users(
    launch: Launch, fake_sevengeese: FakeSevenGeese
) -> None:
    bot = linked_geese(launch, fake_sevengeese)
    block_id = f"draft:{draft_id(preview(bot, '<@U_BOB> for the smooth release'))}"
    assert suggest(bot, "U_ANA", PICK, block_id, "badge") != []
    assert suggest(bot, "U_BOB", PICK, block_id, "badge") == []  # Ana's draft, Bob asks
    form = {"private_metadata": '{"provider": "sevengeese", "channel": ""}'}
    assert suggest(bot, "U_BOB", FORM_VALUE, FORM_VALUE, "badge", view=form) == []  # no link
    assert suggest(bot, "U_ANA", PICK, "draft:no-such-draft", "badge") == []


def test_the_form_finds_and_sends_a_value_beyond_the_100th(
    launch: Launch, fake_sevengeese: FakeSevenGeese
) -> None:
    bot = linked_geese(launch, fake_sevengeese)
    assert post(bot, global_shortcut("U_ANA")).status_code == 200
    [update] = wait_until(lambda: bot.slack.calls("views.update"))
    view = update["view"]
    (field,) = [b for b in view["blocks"] if b.get("block_id") == FORM_VALUE]
    assert field["element"]["type"] == "external_select"
    (option,) = suggest(bot, "U_ANA", FORM_VALUE, FORM_VALUE, "Badge 0150", view=view)
    assert option["value"] == "1150"
    answers: dict[str, Any] = {
        "multi_users_select": ["U_BOB"],
        "plain_text_input": "for the smooth release",
    }
    submitted = view_submission(view, "U_ANA", external_select=option, **answers)
    assert post(bot, submitted).status_code == 200
    wait_until(lambda: fake_sevengeese.recognitions)
    assert [r["value"] for r in fake_sevengeese.recognitions] == ["1150"]
