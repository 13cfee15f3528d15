"""The recognition modal submitted by a user linked nowhere, with anything in its inputs and its
private metadata, and both shortcuts on any message: always 200 inside 3 s, never a traceback,
never a side effect."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers import kit
from handlers.modal_blocks import ANNOUNCE, MESSAGE, RECIPIENTS, VALUE
from testkit.support import wait_until
from tests.fuzz.harness import FUZZ, FUZZER, Target, interactive
from tests.fuzz.strategies import (
    PLATFORMS,
    channel_ids,
    json_values,
    recognize_texts,
    team_ids,
    user_ids,
)

Json = dict[str, Any]
INPUTS = [RECIPIENTS, VALUE, MESSAGE, ANNOUNCE]

option = st.fixed_dictionaries(
    {"value": st.sampled_from(["601", "602", "0", "", "-1", "601 ", "x" * 200]) | st.text()},
    optional={"text": st.fixed_dictionaries({"type": st.just("plain_text"), "text": st.text()})},
)
# Each input's state as Slack shapes it, with anything inside.
entries = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("multi_users_select"), "selected_users": st.lists(user_ids, max_size=14)}
    ),
    st.fixed_dictionaries(
        {"type": st.just("static_select"), "selected_option": st.none() | option}
    ),
    st.fixed_dictionaries(
        {"type": st.just("plain_text_input"), "value": st.none() | recognize_texts}
    ),
    st.fixed_dictionaries(
        {"type": st.just("checkboxes"), "selected_options": st.lists(option, max_size=2)}
    ),
)
states = st.fixed_dictionaries(
    {
        "values": st.dictionaries(
            st.sampled_from(INPUTS) | st.text(max_size=10),
            st.dictionaries(st.sampled_from(INPUTS) | st.text(max_size=10), entries, max_size=2),
            max_size=5,
        )
    }
)
origins = st.one_of(
    st.fixed_dictionaries(
        {"provider": st.sampled_from(PLATFORMS)},
        optional={"channel": channel_ids | json_values},
    ).map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=50),
)


def submission(state: Json, metadata: str, callback_id: str, team: str) -> Json:
    view: Json = {
        "id": "VMODAL",
        "team_id": team,
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata,
        "state": state,
        "blocks": [],
        "hash": "1700000000.submitted",
        "app_id": "A_KUDOS",
    }
    return {
        "type": "view_submission",
        "api_app_id": "A_KUDOS",
        "token": "deprecated-verification-token",
        "team": {"id": team, "domain": "fake-team"},
        "user": {"id": FUZZER, "username": "mallory", "team_id": team},
        "trigger_id": "1.2.3",
        "view": view,
        "response_urls": [],
    }


@FUZZ
@given(state=states, metadata=origins, team=team_ids)
def test_modal_submitted_with_anything(
    target: Target, state: Json, metadata: str, team: str
) -> None:
    response = target.signed(interactive(submission(state, metadata, kit.MODAL, team)))
    target.check(response)
    if response.content and names_enabled_platform(metadata):  # see test_modal_of_a_platform_gone
        assert response.json().get("response_action") in ("errors", "update"), response.text


def names_enabled_platform(metadata: str) -> bool:
    """Whether the modal's metadata names Achievers (the enabled one) or no platform at all."""
    try:
        data = json.loads(metadata)
    except ValueError:
        return True
    return not isinstance(data, dict) or data.get("provider") in (None, "", "achievers")


messages = st.fixed_dictionaries(
    {},
    optional={
        "user": user_ids | json_values,
        "ts": st.sampled_from(["1700000000.000100", "", "x", "1e9"]) | json_values,
        "thread_ts": st.sampled_from(["1700000000.000050"]) | json_values,
        "text": recognize_texts,
        "bot_id": st.just("B_OTHER"),
    },
)


@FUZZ
@given(message=messages, channel=channel_ids, team=team_ids, domain=st.text(max_size=30))
def test_message_shortcut_on_any_message(
    target: Target, message: Json, channel: str, team: str, domain: str
) -> None:
    opened = len(target.slack.calls("views.open"))
    payload: Json = {
        "type": "message_action",
        "callback_id": kit.MESSAGE_SHORTCUT,
        "token": "deprecated-verification-token",
        "api_app_id": "A_KUDOS",
        "team": {"id": team, "domain": domain},
        "user": {"id": FUZZER, "username": "mallory", "team_id": team},
        "trigger_id": "1.2.3",
        "channel": {"id": channel, "name": "general"},
        "message_ts": "1700000000.000100",
        "message": message,
        "response_url": target.slack.response_url(target.response_key()),
    }
    response = target.signed(interactive(payload))
    wait_until(lambda: len(target.slack.calls("views.open")) > opened)  # the form (or link) opens
    target.check(response)


@pytest.mark.parametrize(
    "state",
    [
        [1],
        "state",
        {"values": "x"},
        {"values": {RECIPIENTS: "x"}},
        {"values": {VALUE: {VALUE: {"selected_option": "601"}}}},
        {"values": {RECIPIENTS: {RECIPIENTS: {"selected_users": 7}}}},
    ],
    ids=["list", "string", "values-string", "block-string", "option-string", "users-number"],
)
def test_modal_state_of_another_shape(target: Target, state: Any) -> None:
    metadata = json.dumps({"provider": "achievers", "channel": "C1"})
    target.check(target.signed(interactive(submission(state, metadata, kit.MODAL, "T1"))))


def test_modal_of_a_platform_gone(target: Target) -> None:
    """The form was opened for 7Geese, which is no longer enabled when it is submitted."""
    metadata = json.dumps({"provider": "sevengeese", "channel": "C1"})
    response = target.signed(interactive(submission({"values": {}}, metadata, kit.MODAL, "T1")))
    target.check(response)
    assert response.json().get("response_action") in ("errors", "update"), response.text
