"""Every button and select the bot registers, pressed by a user linked nowhere with any value,
block id and container (another user's real draft and failed recognition ids included): always
200 inside 3 s, never a traceback, and the other user's link, draft and recognition are
untouched."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers import kit
from testkit.flows import element, link, press, preview
from tests.fuzz.harness import FUZZ, FUZZER, Target, interactive
from tests.fuzz.strategies import VICTIM, action_values, block_ids, json_values, team_ids

Json = dict[str, Any]
# Elements that only ever sit in messages (Slack then always sends a response_url) ...
IN_MESSAGES = [
    kit.SEND,
    kit.RETRY,
    kit.CANCEL,
    kit.CHOOSE_VALUE,
    kit.ANNOUNCE,
    kit.OPEN_LINK,
    kit.CONFIRM_LINK,
    kit.REJECT_LINK,
    kit.OLDER,
    kit.NEWER,
]
IN_VIEWS = [kit.GIVE, kit.HOME_LINK, kit.HOME_UNLINK]  # ... and those on Home (no response_url)
ELEMENT_TYPES = ["button", "static_select", "checkboxes", "overflow", "users_select", "junk"]


@pytest.fixture(scope="module")
def victim(target: Target) -> str:
    """Ana is linked and has a preview waiting: the id of her draft."""
    link(target.bot, "U_ANA")
    reply = preview(target.bot, "<@U_BOB> for the smooth release #teamwork", "U_ANA")
    target.remember()
    return str(element(reply["blocks"], kit.SEND)["value"])


@pytest.fixture(scope="module")
def failed_intent(target: Target, victim: str) -> str:
    """A recognition of Ana's that the platform refused: the id her Retry button carries."""
    reply = preview(target.bot, "<@U_BOB> for the launch #teamwork", "U_ANA")
    target.achievers.fail_next(400, method="POST")
    failed = press(target.bot, kit.SEND, str(element(reply["blocks"], kit.SEND)["value"]))
    target.remember()
    return str(element(failed["blocks"], kit.RETRY)["value"])


@st.composite
def actions(draw: st.DrawFn, action_ids: st.SearchStrategy[str]) -> Json:
    """One action as Slack reports it, with fields of any shape where Slack puts them."""
    action: Json = {
        "action_id": draw(action_ids),
        "block_id": draw(block_ids),
        "type": draw(st.sampled_from(ELEMENT_TYPES)),
        "action_ts": f"{time.time():.6f}",
    }
    if draw(st.sampled_from([True, True, True, False])):
        action["value"] = draw(st.just(VICTIM) | action_values)  # another's draft, often
    if draw(st.booleans()):  # shaped as Slack shapes them (other shapes: the test below)
        option = st.fixed_dictionaries({"value": action_values})
        action["selected_option"] = draw(option)
        action["selected_options"] = draw(st.lists(option, max_size=3))
    if draw(st.booleans()):
        action["selected_user"] = draw(st.sampled_from(["U_ANA", FUZZER, "U_NOBODY"]))
    return action


@st.composite
def containers(draw: st.DrawFn, response_url: str, *, views: bool) -> Json:
    """Where the element sat: an (ephemeral) message; with `views`, also the Home tab, a modal
    or nowhere (no response_url)."""
    kind = draw(st.sampled_from(["message", "home", "modal", "none"] if views else ["message"]))
    if kind == "message":
        channel = draw(st.sampled_from(["C1", "D0FUZZ", ""]))
        container = {"type": "message", "is_ephemeral": draw(st.booleans()), "channel_id": channel}
        return {
            "container": container,
            "channel": {"id": channel, "name": "general"},
            "response_url": response_url,
        }
    if kind == "none":
        return {}
    view: Json = {"id": "V1", "type": kind, "blocks": [], "hash": "1700000000.x"}
    view |= {"private_metadata": draw(st.text(max_size=40) | json_values.map(json.dumps))}
    view |= {"callback_id": kit.MODAL if kind == "modal" else "", "state": {"values": {}}}
    return {"container": {"type": "view", "view_id": "V1"}, "view": view}


def press_any(target: Target, draft: str, data: st.DataObject, *, views: bool) -> Any:
    """Press one element, drawn from those that live in views or in messages."""
    key = target.response_key()
    action_ids = st.sampled_from(IN_VIEWS if views else IN_MESSAGES)
    action = json.loads(json.dumps(data.draw(actions(action_ids))).replace(VICTIM, draft))
    team = data.draw(team_ids)
    payload: Json = {
        "type": "block_actions",
        "api_app_id": "A_KUDOS",
        "token": "deprecated-verification-token",
        "user": {"id": FUZZER, "team_id": team, "username": "mallory"},
        "team": {"id": team, "domain": "fake-team"},
        "trigger_id": "1.2.3",
        "actions": [action],
    }
    payload |= data.draw(containers(target.slack.response_url(key), views=views))
    return target.signed(interactive(payload))


@FUZZ
@given(data=st.data())
def test_message_buttons_with_any_values(target: Target, victim: str, data: st.DataObject) -> None:
    target.check(press_any(target, victim, data, views=False))


@FUZZ
@given(data=st.data())
def test_home_buttons_anywhere(target: Target, victim: str, data: st.DataObject) -> None:
    target.check(press_any(target, victim, data, views=True))


def on_message(action: Json, response_url: str | None) -> bytes:
    """A block_actions body from an ephemeral message, as the fuzzing user."""
    payload: Json = {
        "type": "block_actions",
        "api_app_id": "A_KUDOS",
        "user": {"id": FUZZER, "team_id": "T1", "username": "mallory"},
        "team": {"id": "T1", "domain": "fake-team"},
        "container": {"type": "message", "is_ephemeral": True, "channel_id": "C1"},
        "channel": {"id": "C1", "name": "general"},
        "trigger_id": "1.2.3",
        "actions": [action | {"action_ts": f"{time.time():.6f}"}],
    }
    if response_url is not None:
        payload["response_url"] = response_url
    return interactive(payload)


@pytest.mark.parametrize("action_id", ["recognition_send_v0", "zzz", ""])
def test_an_unknown_action_is_acknowledged(target: Target, action_id: str) -> None:
    action = {"action_id": action_id, "block_id": "b1", "type": "button", "value": "x"}
    url = target.slack.response_url(target.response_key())
    target.check(target.signed(on_message(action, url)))


def test_a_failure_without_response_url_logs_no_traceback(target: Target, victim: str) -> None:
    action = {"action_id": kit.CHOOSE_VALUE, "block_id": f"draft:{victim}", "type": "button"}
    response = target.signed(on_message(action, None))
    assert response.status_code == 200
    target.settle()  # the lazy listener has had its turn
    target.check(response)


@pytest.mark.parametrize("action_id", IN_MESSAGES)
def test_every_button_with_anothers_draft(
    target: Target, victim: str, failed_intent: str, action_id: str
) -> None:
    """Ana's draft id, or her failed recognition's, in the value and the block id, pressed by
    someone else: hers are untouched (Retry included: nothing is sent)."""
    for value in (victim, failed_intent):
        for block_id in (f"draft:{value}", f"announce:{value}"):
            option = {"value": value}
            action: Json = {"action_id": action_id, "block_id": block_id, "value": value}
            action |= {"type": "button", "selected_option": option, "selected_options": [option]}
            response = target.signed(on_message(action, target.slack.response_url("anyone")))
            target.settle()  # what the press started has had its turn
            target.check(response)


@pytest.mark.parametrize("option", [True, "601", ["601"]], ids=["bool", "string", "list"])
def test_a_selected_option_of_another_shape(target: Target, victim: str, option: Any) -> None:
    action = {"action_id": kit.CHOOSE_VALUE, "block_id": f"draft:{victim}", "type": "static_select"}
    url = target.slack.response_url(target.response_key())
    response = target.signed(on_message(action | {"selected_option": option}, url))
    target.settle()
    target.check(response)


@FUZZ
@given(data=st.data())
def test_value_searches_of_any_shape_offer_nothing_to_the_unlinked(
    target: Target, victim: str, data: st.DataObject
) -> None:
    """A type-ahead request (block_suggestion) from the user linked nowhere, on Ana's preview or
    a form, with any typed text and view: an empty list of options, never Ana's values."""
    block_id = data.draw(block_ids).replace(VICTIM, victim)
    view = data.draw(json_values | st.fixed_dictionaries({"private_metadata": json_values}))
    payload: Json = {
        "type": "block_suggestion",
        "api_app_id": "A_KUDOS",
        "user": {"id": FUZZER, "team_id": "T1", "username": "mallory"},
        "team": {"id": "T1", "domain": "fake-team"},
        "action_id": data.draw(st.sampled_from([kit.CHOOSE_VALUE, "value"])),
        "block_id": block_id,
        "value": data.draw(json_values),
        "view": view,
    }
    response = target.signed(interactive(payload))
    target.check(response)
    assert response.json() == {"options": []}
