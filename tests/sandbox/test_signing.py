"""sandbox/signing.py: signatures slack_sdk accepts, in the bodies Slack sends."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

from sandbox.signing import (
    FORM,
    JSON,
    command_body,
    event_body,
    interaction_body,
    signed_headers,
    trigger_id,
)

SECRET = "s3cret"


def verifies(secret: str, body: bytes, headers: dict[str, str]) -> bool:
    lowered = {k.lower(): v for k, v in headers.items()}
    return SignatureVerifier(secret).is_valid_request(body, lowered)


def test_signature_verifies_with_slack_sdk() -> None:
    body = command_body({"command": "/kudos", "text": "help"})
    headers = signed_headers(SECRET, body, FORM)
    assert headers["Content-Type"] == FORM
    assert verifies(SECRET, body, headers)


def test_signature_binds_secret_body_and_time() -> None:
    body = event_body({"type": "event_callback"})
    headers = signed_headers(SECRET, body, JSON)
    assert not verifies("another secret", body, headers)
    assert not verifies(SECRET, body + b" ", headers)
    stale = signed_headers(SECRET, body, JSON, timestamp=int(time.time()) - 600)
    assert not verifies(SECRET, body, stale)


def test_interaction_body_is_a_form_with_a_json_payload() -> None:
    body = interaction_body({"type": "block_actions", "text": "a&b=c <@U1>"})
    fields = dict(parse_qsl(body.decode()))
    assert set(fields) == {"payload"}
    assert json.loads(fields["payload"]) == {"type": "block_actions", "text": "a&b=c <@U1>"}


def test_trigger_ids_are_unique_and_slack_shaped() -> None:
    first, second = trigger_id(), trigger_id()
    assert first != second and first.count(".") == 2
