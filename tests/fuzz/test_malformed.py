"""Correctly signed bodies that are not what Slack sends: fields missing, another encoding, a
payload that is not JSON, JSON of another shape. Each is answered 200 inside 3 s with a clean log
and no side effect."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers import kit
from tests.fuzz.harness import FORM, FUZZ, FUZZER, JSON, Target, interactive
from tests.fuzz.strategies import recognize_texts

USER = {"id": FUZZER, "team_id": "T1", "username": "mallory"}
TEAM = {"id": "T1", "domain": "fake-team"}
GIVE = {"action_id": kit.GIVE, "type": "button"}
FILE = {"type": "file", "file": "F1"}
NO_TS = {"type": "message", "channel": "C1"}
# A step whose inputs make no sense fails, saying why; nothing is sent.
STEP = {"type": "function_executed", "function": {"callback_id": "give_recognition"}}
STEP |= {"function_execution_id": "Fx0FUZZ"}
MENU = STEP | {"function": {"callback_id": "recognition_values"}}


def form(**fields: str) -> bytes:
    return urlencode(fields).encode()


def event(inner: object, **envelope: object) -> bytes:
    body = {"type": "event_callback", "team_id": "T1", "api_app_id": "A_KUDOS", "event": inner}
    return json.dumps(body | {"event_id": f"Ev0MALFORMED{len(str(inner))}"} | envelope).encode()


SURVIVED = [
    (form(command="/kudos", text="help"), FORM),  # no user, team, channel or response_url
    (form(command="/kudos"), FORM),  # no text at all
    (b"command=%2Fkudos&text=link&text=help&user_id=U_ANA&user_id=U_FUZZ", FORM),  # repeated
    (form(command="/kudos", text="help", user_id=FUZZER, extra="\x00" * 10), FORM),
    (form(ssl_check="1", token="x"), FORM),
    (event({"type": "app_home_opened", "tab": "home"}), JSON),  # nobody opened it
    (event({"type": "app_home_opened", "user": FUZZER}), JSON),  # no tab
    (event({"type": "app_home_opened", "user": FUZZER, "tab": "messages"}), JSON),
    (event({"type": "reaction_added", "user": FUZZER, "reaction": "clap"}), JSON),  # no item
    (event({"type": "reaction_added", "user": FUZZER, "reaction": "clap", "item": FILE}), JSON),
    (event({"type": "reaction_added", "reaction": "clap", "item": NO_TS}), JSON),  # nobody
    (event(STEP | {"inputs": {"recipients": "U_BOB", "giver": "U_FUZZ"}}), JSON),
    (event(STEP | {"inputs": None}), JSON),
    (event(MENU | {"inputs": {"builder": "U_FUZZ"}}), JSON),  # not a user_context
    (interactive({"type": "block_actions", "user": USER, "actions": [GIVE]}), FORM),
    (interactive({"type": "shortcut", "callback_id": kit.GLOBAL_SHORTCUT, "user": USER}), FORM),
]
SURVIVED_IDS = [
    "command-without-user",
    "command-without-text",
    "repeated-fields",
    "unknown-field",
    "ssl-check",
    "home-without-user",
    "home-without-tab",
    "messages-tab",
    "reaction-without-item",
    "reaction-on-a-file",
    "reaction-without-user",
    "step-with-mangled-inputs",
    "step-without-inputs",
    "menu-without-builder",
    "action-without-team",
    "shortcut-without-trigger",
]


@pytest.mark.parametrize(("body", "content_type"), SURVIVED, ids=SURVIVED_IDS)
def test_signed_but_incomplete(target: Target, body: bytes, content_type: str) -> None:
    target.check(target.signed(body, content_type))


def test_url_verification_is_answered(target: Target) -> None:
    body = json.dumps({"type": "url_verification", "token": "x", "challenge": "c-123"}).encode()
    response = target.signed(body, JSON)
    target.check(response)
    assert "c-123" in response.text


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(["command", "text", "user_id", "team_id", "channel_id", "trigger_id"])
        | st.text(max_size=10),
        recognize_texts,
        max_size=6,
    ),
    command=st.sampled_from(["/kudos", "/recognize"]),
)
def test_commands_with_any_fields(target: Target, fields: dict[str, str], command: str) -> None:
    """Slash commands with fields missing or mangled (the response_url stays: Slack always
    sends one, and without it see test_actions.test_a_failure_without_response_url…)."""
    url = target.slack.response_url(target.response_key())
    target.check(target.signed(form(**(fields | {"command": command, "response_url": url}))))


UNPARSED = [
    (b"\xff\xfe\x00 not utf-8", FORM),
    (b"payload=not+json", FORM),
    (b"payload=", FORM),
    (form(payload="[]"), FORM),
    (form(payload="null"), FORM),
    (form(payload='"block_actions"'), FORM),
    (b"not json", JSON),
    (b"[1, 2]", JSON),
    (b"{not json", FORM),  # a body starting with { is read as JSON whatever its type
    (interactive({"type": "block_actions", "user": USER, "team": TEAM, "actions": []}), FORM),
    (interactive({"type": "view_submission", "user": USER, "view": {"callback_id": "x"}}), FORM),
]
UNPARSED_IDS = [
    "not-utf-8",
    "payload-not-json",
    "payload-empty",
    "payload-list",
    "payload-null",
    "payload-string",
    "json-not-json",
    "json-list",
    "brace-form",
    "no-actions",
    "view-without-type",
]


@pytest.mark.parametrize(("body", "content_type"), UNPARSED, ids=UNPARSED_IDS)
def test_signed_but_unreadable(target: Target, body: bytes, content_type: str) -> None:
    target.check(target.signed(body, content_type))


UNROUTED = [
    (b"", FORM),
    (form(payload="{}"), FORM),
    (form(text="hi", user_id=FUZZER), FORM),  # no command
    (form(command="/unknown", text="hi", user_id=FUZZER, team_id="T1"), FORM),
    (json.dumps({"type": "event_callback", "event_id": "Ev0NOEVENT"}).encode(), JSON),
    (event({"type": "app_uninstalled"}), JSON),
    (interactive({"type": "block_actions", "user": USER, "team": TEAM}), FORM),
    (interactive({"type": "view_submission", "user": USER, "view": {"type": "modal"}}), FORM),
    (interactive({"type": "shortcut", "callback_id": "other_shortcut", "user": USER}), FORM),
]
UNROUTED_IDS = [
    "empty",
    "empty-payload",
    "no-command",
    "unknown-command",
    "event-without-event",
    "unsubscribed-event",
    "action-without-actions",
    "view-without-callback",
    "unknown-shortcut",
]


@pytest.mark.parametrize(("body", "content_type"), UNROUTED, ids=UNROUTED_IDS)
def test_signed_but_unrouted(target: Target, body: bytes, content_type: str) -> None:
    target.check(target.signed(body, content_type))
