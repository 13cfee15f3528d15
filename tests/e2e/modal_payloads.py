"""Signed interactivity requests around the recognition modal, as Slack sends them: a global
shortcut, a message shortcut, the Home tab's button and a view submission (each a form body
`payload=<json>`)."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import httpx

from testkit.bot_process import BotProcess
from testkit.support import sign

Json = dict[str, Any]


def post(bot: BotProcess, payload: Json) -> httpx.Response:
    """POST `payload` to /slack/events, signed with the bot's secret."""
    body = urlencode({"payload": json.dumps(payload)}).encode()
    headers = sign(bot.signing_secret, body)
    return httpx.post(f"{bot.base_url}/slack/events", content=body, headers=headers)


def trigger_id() -> str:
    return f"{secrets.randbelow(10**10)}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"


def _envelope(kind: str, user_id: str, team_id: str) -> Json:
    """The fields every interactivity payload has."""
    return {
        "type": kind,
        "token": "deprecated-verification-token",
        "api_app_id": "A_KUDOS",
        "team": {"id": team_id, "domain": "fake-team"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
        "is_enterprise_install": False,
        "enterprise": None,
    }


def global_shortcut(user_id: str, *, team_id: str = "T1") -> Json:
    payload = _envelope("shortcut", user_id, team_id)
    payload |= {"callback_id": "give_recognition", "trigger_id": trigger_id()}
    return payload | {"action_ts": f"{time.time():.6f}"}


def message_shortcut(
    user_id: str,
    *,
    author: str,
    channel_id: str,
    ts: str,
    text: str,
    team_id: str = "T1",
    response_url: str = "",
) -> Json:
    """The "Recognize for message" shortcut on what `author` posted in `channel_id` at `ts`."""
    payload = _envelope("message_action", user_id, team_id)
    message = {"type": "message", "user": author, "ts": ts, "text": text}
    return payload | {
        "callback_id": "recognize_message",
        "trigger_id": trigger_id(),
        "action_ts": f"{time.time():.6f}",
        "message_ts": ts,
        "channel": {"id": channel_id, "name": "releases"},
        "message": message,
        "response_url": response_url,
    }


def home_button(user_id: str, *, team_id: str = "T1") -> Json:
    """The Home tab's "Give recognition" button: no channel, no response_url, a view."""
    payload = _envelope("block_actions", user_id, team_id)
    action = {"type": "button", "action_id": "recognition_give", "block_id": "home-give"}
    home = {"id": "VHOME", "type": "home", "team_id": team_id, "hash": "1700000000.home"}
    return payload | {
        "trigger_id": trigger_id(),
        "container": {"type": "view", "view_id": "VHOME"},
        "view": home | {"blocks": [], "private_metadata": "", "callback_id": ""},
        "actions": [action | {"action_ts": f"{time.time():.6f}"}],
    }


def _entry(element: Json, answers: Json) -> Json:
    """One input's state: the answer given for its element type, else what it starts with."""
    kind = element["type"]
    given = answers.get(kind, ...)
    if kind == "multi_users_select":
        users = element.get("initial_users", []) if given is ... else given
        return {"type": kind, "selected_users": users}
    if kind == "static_select":
        wanted = None if given is ... else given
        chosen = [o for o in element["options"] if o["value"] == wanted]
        return {"type": kind, "selected_option": chosen[0] if chosen else None}
    if kind == "external_select":  # no options in the view: the answer is the option picked
        return {"type": kind, "selected_option": None if given is ... else given}
    if kind == "plain_text_input":
        return {"type": kind, "value": element.get("initial_value") if given is ... else given}
    if kind == "checkboxes":
        on = element.get("initial_options", []) if given is ... else given
        return {"type": kind, "selected_options": element["options"] if on is True else on or []}
    raise AssertionError(f"no state for a {kind}")


def view_submission(view: Json, user_id: str, *, team_id: str = "T1", **answers: Any) -> Json:
    """Submit `view` (as the bot last showed it). Answers are keyed by element type
    (`multi_users_select=[...]`, `static_select="601"`, `plain_text_input="..."`,
    `checkboxes=True/False`); inputs not answered keep their initial values, as in Slack."""
    values: Json = {}
    for block in view["blocks"]:
        if block.get("type") == "input":
            element = block["element"]
            values[block["block_id"]] = {element["action_id"]: _entry(element, answers)}
    submitted = view | {
        "id": view.get("id", "VMODAL"),
        "team_id": team_id,
        "state": {"values": values},
        "hash": "1700000000.submitted",
        "app_id": "A_KUDOS",
        "bot_id": "B_BOT",
    }
    payload = _envelope("view_submission", user_id, team_id)
    return payload | {"trigger_id": trigger_id(), "view": submitted, "response_urls": []}


def block_suggestion(
    user_id: str, action_id: str, block_id: str, typed: str, *, view: Json | None = None
) -> Json:
    """What Slack sends as someone types into an external select: in a message (the preview)
    or, given `view`, in a modal."""
    payload = _envelope("block_suggestion", user_id, "T1")
    payload |= {"action_id": action_id, "block_id": block_id, "value": typed}
    if view is not None:
        return payload | {"container": {"type": "view", "view_id": "VMODAL"}, "view": view}
    container = {"type": "message", "message_ts": f"{time.time():.6f}", "channel_id": "C1"}
    return payload | {
        "container": container | {"is_ephemeral": True},
        "channel": {"id": "C1", "name": "general"},
    }
