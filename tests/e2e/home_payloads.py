"""Signed App Home requests as Slack sends them: `app_home_opened` events (JSON) and the Home
tab's buttons (`block_actions` from a view: no response_url, a `view` object instead)."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import httpx

from testkit.bot_process import BotProcess
from testkit.support import sign
from tests.e2e.event_payloads import envelope


def home_opened(user_id: str, *, tab: str = "home", team_id: str = "T1") -> bytes:
    """The Events API envelope of `app_home_opened` (the Messages tab sends it too)."""
    event = {"type": "app_home_opened", "user": user_id, "channel": "D1", "tab": tab}
    return envelope(event, team_id)


def home_view(blocks: list[dict[str, Any]], team_id: str = "T1") -> dict[str, Any]:
    """The Home view the button sits on, as Slack includes it in the payload."""
    return {
        "id": "V1",
        "team_id": team_id,
        "app_installed_team_id": team_id,
        "type": "home",
        "blocks": blocks,
        "private_metadata": "",
        "callback_id": "",
        "hash": "1700000000.abcdef",
        "app_id": "A_KUDOS",
        "bot_id": "B_BOT",
    }


def home_action(
    action_id: str,
    value: str,
    *,
    user_id: str,
    team_id: str = "T1",
    blocks: list[dict[str, Any]] | None = None,
) -> bytes:
    """A button pressed on the Home tab (form body `payload=<json>`)."""
    action = {
        "type": "button",
        "action_id": action_id,
        "block_id": f"b-{action_id}",
        "value": value,
        "action_ts": f"{time.time():.6f}",
    }
    payload = {
        "type": "block_actions",
        "api_app_id": "A_KUDOS",
        "token": "deprecated-verification-token",
        "user": {"id": user_id, "team_id": team_id, "username": user_id.lower()},
        "team": {"id": team_id, "domain": "fake-team"},
        "container": {"type": "view", "view_id": "V1"},
        "trigger_id": f"{secrets.randbelow(10**10)}.{secrets.token_hex(16)}",
        "view": home_view(blocks or [], team_id),
        "actions": [action],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def post_event(bot: BotProcess, body: bytes) -> httpx.Response:
    """POST a signed Events API body (JSON) to /slack/events."""
    headers = sign(bot.signing_secret, body) | {"Content-Type": "application/json"}
    return httpx.post(f"{bot.base_url}/slack/events", content=body, headers=headers)
