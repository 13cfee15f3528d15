"""The bodies Slack sends an app, built for one demo person: commands, interactivity, events."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sandbox.people import BY_HANDLE, BY_SLACK_ID
from sandbox.slack_records import (
    APP_ID,
    BOT_USER_ID,
    CHANNEL_ID,
    CHANNEL_NAME,
    TEAM_DOMAIN,
    TEAM_ID,
    Message,
    View,
    dm_of,
)

Json = dict[str, Any]
VERIFICATION_TOKEN = "sandbox-verification-token"  # deprecated by Slack; sent all the same
MENTION = re.compile(r"(?<![\w@<|])@([A-Za-z0-9_-]+)")
CHANNEL = re.compile(r"(?<![\w#<|&])#([a-z0-9_-]+)")


def escape_typed(text: str) -> str:
    """What Slack makes of typed text (`should_escape`): &, < and > escaped, `@bob` a mention,
    `#general` a channel link; an @name or #word that is no one and no channel stays as typed."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def mention(match: re.Match[str]) -> str:
        person = BY_HANDLE.get(match.group(1).casefold())
        if person is None:
            return match.group(0)
        return f"<@{person.slack_id}|{person.handle}>"

    def channel(match: re.Match[str]) -> str:
        if match.group(1) != CHANNEL_NAME:
            return match.group(0)
        return f"<#{CHANNEL_ID}|{CHANNEL_NAME}>"

    return CHANNEL.sub(channel, MENTION.sub(mention, text))


@dataclass(frozen=True)
class Actor:
    """The demo person using the page, as Slack describes them in payloads."""

    user_id: str

    @property
    def user(self) -> Json:
        handle = BY_SLACK_ID[self.user_id].handle
        return {"id": self.user_id, "username": handle, "name": handle, "team_id": TEAM_ID}

    def envelope(self, kind: str, trigger: str) -> Json:
        """The fields every interactivity payload has."""
        return {
            "type": kind,
            "token": VERIFICATION_TOKEN,
            "api_app_id": APP_ID,
            "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
            "user": self.user,
            "trigger_id": trigger,
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def command(self, command: str, text: str, response_url: str, trigger: str) -> dict[str, str]:
        """A slash command's form fields."""
        return {
            "token": VERIFICATION_TOKEN,
            "team_id": TEAM_ID,
            "team_domain": TEAM_DOMAIN,
            "channel_id": CHANNEL_ID,
            "channel_name": CHANNEL_NAME,
            "user_id": self.user_id,
            "user_name": BY_SLACK_ID[self.user_id].handle,
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger,
        }

    def message_action(
        self, action: Json, message: Message, response_url: str, trigger: str
    ) -> Json:
        """block_actions on a message (ephemeral messages are not included, as in Slack)."""
        payload = self.envelope("block_actions", trigger) | {"actions": [action]}
        is_ephemeral = message.only_for is not None
        payload["container"] = {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": message.channel,
            "is_ephemeral": is_ephemeral,
        }
        payload |= {"channel": channel_json(message.channel), "response_url": response_url}
        if not is_ephemeral:
            payload["message"] = message_json(message)
        return payload | {"state": {"values": {}}}

    def view_action(self, action: Json, view: View, values: Json, trigger: str) -> Json:
        """block_actions in a modal or on Home."""
        payload = self.envelope("block_actions", trigger) | {"actions": [action]}
        payload["container"] = {"type": "view", "view_id": view.id}
        return payload | {"view": view.to_json(values)}

    def submission(self, view: View, values: Json, trigger: str) -> Json:
        payload = self.envelope("view_submission", trigger)
        return payload | {"view": view.to_json(values), "response_urls": []}

    def shortcut(self, callback_id: str, trigger: str) -> Json:
        payload = self.envelope("shortcut", trigger)
        return payload | {"callback_id": callback_id, "action_ts": f"{time.time():.6f}"}

    def message_shortcut(
        self, callback_id: str, message: Message, response_url: str, trigger: str
    ) -> Json:
        payload = self.envelope("message_action", trigger) | {"callback_id": callback_id}
        payload |= {"channel": channel_json(message.channel), "message_ts": message.ts}
        payload |= {"message": message_json(message), "response_url": response_url}
        return payload | {"action_ts": f"{time.time():.6f}"}

    def home_opened(self, tab: str, home: View | None) -> Json:
        """The Events API envelope of `app_home_opened`."""
        event: Json = {"type": "app_home_opened", "user": self.user_id, "tab": tab}
        event |= {"channel": dm_of(self.user_id), "event_ts": f"{time.time():.6f}"}
        if home is not None:
            event["view"] = home.to_json()
        return event_envelope(event)

    def reaction_added(self, message: Message, reaction: str) -> Json:
        """The Events API envelope of `reaction_added` on a message in the channel."""
        item = {"type": "message", "channel": message.channel, "ts": message.ts}
        event: Json = {"type": "reaction_added", "user": self.user_id, "reaction": reaction}
        event |= {"item": item, "item_user": message.user, "event_ts": f"{time.time():.6f}"}
        return event_envelope(event)


def event_envelope(event: Json) -> Json:
    """An `event_callback` around `event`, as Slack delivers it to the bot."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(time.time()),
        "authorizations": [
            {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}
            | {"enterprise_id": None, "is_enterprise_install": False}
        ],
    }


def channel_json(channel_id: str) -> Json:
    name = CHANNEL_NAME if channel_id == CHANNEL_ID else "directmessage"
    return {"id": channel_id, "name": name}


def message_json(message: Message) -> Json:
    shown: Json = {"type": "message", "user": message.user, "ts": message.ts}
    return shown | {"text": message.text, "blocks": message.blocks, "team": TEAM_ID}
