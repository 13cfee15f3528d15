"""Signed Events API bodies as Slack sends them: `reaction_added` on a message, and
`function_executed` for the Workflow Builder step (docs.slack.dev/reference/events/…)."""

from __future__ import annotations

import itertools
import json
import secrets
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

from testkit.bot_process import BotProcess
from testkit.support import sign

_event_ids = itertools.count(1)
MANIFEST = Path(__file__).parents[2] / "manifest.yml"


def envelope(event: dict[str, Any], team_id: str = "T1") -> bytes:
    """The `event_callback` around `event`, with a fresh `event_id`."""
    now = int(time.time())
    body = {
        "token": "deprecated-verification-token",
        "type": "event_callback",
        "team_id": team_id,
        "api_app_id": "A_KUDOS",
        "event_id": f"Ev{next(_event_ids):08d}{secrets.token_hex(2).upper()}",
        "event_time": now,
        "authorizations": [{"team_id": team_id, "user_id": "U_BOT", "is_bot": True}],
        "event": event | {"event_ts": f"{now}.000200"},
    }
    return json.dumps(body).encode()


def reaction_added(
    user: str, channel: str, ts: str, item_user: str, reaction: str = "clap"
) -> bytes:
    return envelope(reaction_event(user, channel, ts, item_user, reaction))


def reaction_event(
    user: str, channel: str, ts: str, item_user: str, reaction: str = "clap"
) -> dict[str, Any]:
    """The `reaction_added` event itself (for an envelope of another workspace's)."""
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": reaction,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
    }


def function_executed(
    inputs: dict[str, Any], token: str, execution_id: str, callback_id: str = "give_recognition"
) -> bytes:
    """A run of a custom step; `token` is the execution's `bot_access_token`."""
    parameters = declared_inputs(callback_id)
    function = {
        "id": "Fn0KUDOS",
        "callback_id": callback_id,
        "title": "Give recognition",
        "description": "Recognize teammates on your recognition platform",
        "type": "app",
        "input_parameters": parameters,
        "output_parameters": [],
        "app_id": "A_KUDOS",
        "date_created": 1700000000,
        "date_updated": 1700000000,
        "date_deleted": 0,
    }
    return envelope(
        {
            "type": "function_executed",
            "function": function,
            "inputs": inputs,
            "function_execution_id": execution_id,
            "workflow_execution_id": "Wx0" + execution_id[3:],
            "bot_access_token": token,
        }
    )


def declared_inputs(callback_id: str) -> list[dict[str, Any]]:
    """The function's `input_parameters` as Slack echoes them: typed as manifest.yml declares
    (`array` of `slack#/types/user_id`, `slack#/types/user_context`, …), each with its name."""
    functions = yaml.safe_load(MANIFEST.read_text())["functions"]
    declared: dict[str, dict[str, Any]] = functions[callback_id]["input_parameters"]
    return [{"name": name} | spec for name, spec in declared.items()]


def deliver(bot: BotProcess, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    """Post a signed body; `headers` add to the signature's (e.g. X-Slack-Retry-Num)."""
    headers = (
        sign(bot.signing_secret, body) | {"Content-Type": "application/json"} | (headers or {})
    )
    response = httpx.post(f"{bot.base_url}/slack/events", content=body, headers=headers)
    assert response.status_code == 200, response.text
    return response
