"""What the simulated Slack keeps: its fixed ids, messages, views and response URLs."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
TEAM_ID, TEAM_DOMAIN, TEAM_NAME = "T0SANDBOX", "kudos-sandbox", "Kudos Sandbox"
CHANNEL_ID, CHANNEL_NAME = "C0GENERAL", "general"
BOT_USER_ID, BOT_ID, APP_ID, BOT_NAME = "U0KUDOSBOT", "B0KUDOSBOT", "A0KUDOS", "Kudos Bridge"
SLACKBOT = "USLACKBOT"
TRIGGER_LIFETIME = 3.0  # seconds, as Slack's
RESPONSE_URL_USES, RESPONSE_URL_LIFETIME = 5, 30 * 60.0  # five uses in thirty minutes


@dataclass
class Message:
    """One message in a channel or DM; `only_for` makes it ephemeral."""

    ts: str
    channel: str
    user: str
    text: str
    blocks: list[Json]
    only_for: str | None = None

    def to_json(self) -> Json:
        shown = {"ts": self.ts, "channel": self.channel, "user": self.user, "text": self.text}
        return shown | {"blocks": self.blocks, "ephemeral": self.only_for is not None}


@dataclass
class View:
    """A modal or Home view as Slack keeps it: its id, current hash and inline errors."""

    id: str
    user: str
    body: Json
    hash: str = field(default_factory=lambda: new_hash())
    errors: dict[str, str] = field(default_factory=dict)

    def to_json(self, values: Json | None = None) -> Json:
        """The view as Slack's API answers and payloads carry it."""
        assigned: Json = {"id": self.id, "hash": self.hash, "team_id": TEAM_ID, "app_id": APP_ID}
        assigned |= {"bot_id": BOT_ID, "root_view_id": self.id, "previous_view_id": None}
        return self.body | assigned | {"state": {"values": values or {}}}


@dataclass
class ResponseUrl:
    """Where a `response_url` posts: the user, the conversation, and the message to replace."""

    user: str
    channel: str
    original: str | None
    uses: int = 0
    expires: float = field(default_factory=lambda: time.time() + RESPONSE_URL_LIFETIME)


def new_hash() -> str:
    """A view hash, fresh for every version of a view (as Slack's)."""
    return f"{time.time():.6f}.{secrets.token_hex(4)}"


def new_view_id() -> str:
    return f"V{secrets.token_hex(5).upper()}"


def dm_of(user_id: str) -> str:
    """The DM channel between the bot and a person."""
    return "D" + user_id[1:]
