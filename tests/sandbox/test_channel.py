"""The page's routes: only demo people, signed Slack bodies to the bot, acks applied."""

from __future__ import annotations

from starlette.responses import JSONResponse, PlainTextResponse

from sandbox.payloads import escape_typed
from sandbox.slack_records import BOT_USER_ID, CHANNEL_ID, SLACKBOT
from tests.sandbox.conftest import Sim

FORM = {
    "type": "modal",
    "callback_id": "form",
    "title": {"type": "plain_text", "text": "Form"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "why",
            "label": {"type": "plain_text", "text": "Why"},
            "element": {"type": "plain_text_input", "action_id": "why"},
        },
        {
            "type": "input",
            "block_id": "who",
            "label": {"type": "plain_text", "text": "Who"},
            "element": {"type": "multi_users_select", "action_id": "who"},
        },
    ],
}


def test_typed_text_is_escaped_like_slack() -> None:
    typed = escape_typed("@bob & @Carl: <b>#general</b> @nobody #random")
    assert typed == (
        "<@U0BOB|bob> &amp; <@U0CARL|carl>: &lt;b&gt;<#C0GENERAL|general>&lt;/b&gt; @nobody #random"
    )


async def test_only_demo_people_may_use_the_page(sim: Sim) -> None:
    assert (await sim.page("say", user="U0MALLORY", text="/kudos help")).status_code == 403
    assert (await sim.page("say", text="/kudos help")).status_code == 403
    state = await sim.client.get("/sandbox/state", params={"user": "U0MALLORY"})
    assert state.status_code == 403
    assert sim.bot.received == []


async def test_a_command_reaches_the_bot_signed_and_escaped(sim: Sim) -> None:
    sim.bot.ack = PlainTextResponse("Working on it")
    answer = await sim.page("say", user="U0ANA", text="/recognize @bob for the release")
    assert answer.json() == {"ok": True, "error": ""}
    fields = sim.bot.last
    assert (fields["command"], fields["user_id"], fields["channel_id"]) == (
        "/recognize",
        "U0ANA",
        CHANNEL_ID,
    )
    assert fields["text"] == "<@U0BOB|bob> for the release"
    assert fields["response_url"].startswith("http://slack.test/response/")
    assert fields["trigger_id"] in sim.workspace.triggers
    assert [m["text"] for m in sim.seen("U0ANA")] == ["Working on it"]
    assert sim.seen("U0BOB") == []


async def test_a_failed_command_is_reported_by_slackbot(sim: Sim) -> None:
    sim.bot.ack = PlainTextResponse("boom", status_code=500)
    answer = await sim.page("say", user="U0ANA", text="/kudos status")
    assert answer.json()["error"] == "dispatch_failed"
    (shown,) = sim.seen("U0ANA")
    assert shown["user"] == SLACKBOT and "dispatch_failed" in shown["text"]


async def test_a_plain_message_stays_in_the_channel(sim: Sim) -> None:
    await sim.page("say", user="U0DANA", text="hi @ana")
    assert [m["text"] for m in sim.seen("U0BOB")] == ["hi <@U0ANA|ana>"]
    assert sim.bot.received == []


async def test_a_button_sends_its_own_value_not_the_pages(sim: Sim) -> None:
    button = {"type": "button", "action_id": "go", "value": "draft-1", "text": {"text": "Go"}}
    blocks = [{"type": "actions", "block_id": "b", "elements": [button]}]
    message = sim.workspace.post(CHANNEL_ID, BOT_USER_ID, "x", blocks, "U0ANA")
    click = {"channel": CHANNEL_ID, "ts": message.ts, "block_id": "b", "action_id": "go"}
    assert (await sim.page("action", user="U0BOB", **click)).status_code == 404  # not theirs
    assert (await sim.page("action", user="U0ANA", value="forged", **click)).json()["ok"]
    payload = sim.bot.last["payload"]
    assert payload["type"] == "block_actions" and payload["user"]["id"] == "U0ANA"
    assert payload["actions"][0]["value"] == "draft-1"
    assert payload["container"]["is_ephemeral"] and "response_url" in payload


async def test_slack_checks_required_fields_before_the_bot(sim: Sim) -> None:
    view = sim.workspace.open_view("U0ANA", FORM)
    answer = await sim.page("submit", user="U0ANA", view_id=view.id, values={"why": "thanks"})
    assert answer.json()["errors"] == {"who": "Please complete this required field."}
    assert sim.bot.received == []


async def test_submission_errors_update_and_close(sim: Sim) -> None:
    view = sim.workspace.open_view("U0ANA", FORM)
    typed = {"why": "thanks", "who": ["U0ANA", "U0NOBODY"]}
    sim.bot.ack = JSONResponse({"response_action": "errors", "errors": {"who": "Not you"}})
    await sim.page("submit", user="U0ANA", view_id=view.id, values=typed)
    state = sim.bot.last["payload"]["view"]["state"]["values"]
    assert state["who"]["who"] == {"type": "multi_users_select", "selected_users": ["U0ANA"]}
    assert state["why"]["why"] == {"type": "plain_text_input", "value": "thanks"}
    assert view.errors == {"who": "Not you"}
    sim.bot.ack = PlainTextResponse("")
    await sim.page("submit", user="U0ANA", view_id=view.id, values=typed)
    assert sim.workspace.top_view("U0ANA") is None


async def test_opening_home_is_an_app_home_opened_event(sim: Sim) -> None:
    assert (await sim.page("open", user="U0CARL", tab="home")).json()["ok"]
    envelope = sim.bot.last
    assert envelope["type"] == "event_callback" and envelope["event_id"].startswith("Ev")
    assert envelope["event"] == envelope["event"] | {
        "type": "app_home_opened",
        "user": "U0CARL",
        "tab": "home",
    }


async def test_state_is_what_the_person_sees(sim: Sim) -> None:
    sim.workspace.post(CHANNEL_ID, BOT_USER_ID, "for ana", None, "U0ANA")
    state = (await sim.client.get("/sandbox/state", params={"user": "U0BOB"})).json()
    assert state["messages"] == [] and state["modal"] is None
    people = (await sim.client.get("/sandbox/workspace")).json()["people"]
    assert {p["handle"] for p in people} >= {"ana", "bob"}


async def test_the_clap_button_is_a_reaction_added_event_on_that_message(sim: Sim) -> None:
    posted = sim.workspace.post(CHANNEL_ID, "U0BOB", "shipped it")
    hidden = sim.workspace.post(CHANNEL_ID, BOT_USER_ID, "only ana", None, "U0ANA")
    assert (await sim.page("react", user="U0ANA", ts=hidden.ts)).status_code == 404
    assert sim.bot.received == []
    assert (await sim.page("react", user="U0ANA", ts=posted.ts)).json()["ok"]
    envelope = sim.bot.last
    assert envelope["type"] == "event_callback" and envelope["event_id"].startswith("Ev")
    assert envelope["event"] == envelope["event"] | {
        "type": "reaction_added",
        "user": "U0ANA",
        "reaction": "clap",
        "item_user": "U0BOB",
        "item": {"type": "message", "channel": CHANNEL_ID, "ts": posted.ts},
    }
