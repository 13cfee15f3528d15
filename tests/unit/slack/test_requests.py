"""bot/slack/requests.py: a form body is read by its fields, whatever words it contains."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from bot.slack.requests import SlackRequest


def request(body: str) -> SlackRequest:
    return SlackRequest(body=body, headers={"content-type": "application/x-www-form-urlencoded"})


@pytest.mark.parametrize("text", ["payload", "for the payload fix", "payload={}", "text=payload"])
def test_a_command_mentioning_payload_is_a_command(text: str) -> None:
    fields = {"command": "/recognize", "text": text, "user_id": "U1", "team_id": "T1"}
    read = request(urlencode(fields))
    assert read.body == fields
    assert (read.context.user_id, read.context.team_id) == ("U1", "T1")
    copy = read.to_copyable()  # what a lazy listener gets
    assert isinstance(copy, SlackRequest) and copy.body == fields


def test_an_interactive_payload_is_still_one() -> None:
    payload = {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"}}
    read = request(urlencode({"payload": json.dumps(payload)}))
    assert read.body == payload
    assert read.to_copyable().body == payload


def test_json_and_empty_bodies_are_left_to_bolt() -> None:
    assert request('{"type": "url_verification"}').body == {"type": "url_verification"}
    assert request("").body == {}
