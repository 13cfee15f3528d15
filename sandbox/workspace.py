"""The simulated Slack workspace's state: messages, modals, Home tabs, triggers, response URLs.

Everything runs on one event loop and no method awaits while it changes something, so each
change is atomic; `touch` wakes the page's long polls."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from typing import Any

from bot.runtime import tasks
from sandbox.elements import with_ids
from sandbox.signing import trigger_id
from sandbox.slack_records import (
    CHANNEL_ID,
    RESPONSE_URL_USES,
    TRIGGER_LIFETIME,
    Json,
    Message,
    ResponseUrl,
    View,
    dm_of,
    new_hash,
    new_view_id,
)


class Workspace:
    """One workspace with one channel, the bot, and the demo people."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.modals: dict[str, list[View]] = {}
        self.homes: dict[str, View] = {}
        self.triggers: dict[str, tuple[str, float]] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.version = 0
        self._changed = asyncio.Event()
        self._last_ts = 0

    # ---- changes --------------------------------------------------------------------------

    def touch(self) -> None:
        """Something changed: wake every long poll."""
        self.version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, since: int, seconds: float) -> None:
        """Return when the version is not `since`, or after `seconds`."""
        if self.version != since:
            return
        with contextlib.suppress(TimeoutError):
            await tasks.within(seconds, self._changed.wait())

    # ---- messages -------------------------------------------------------------------------

    def post(
        self, channel: str, user: str, text: str, blocks: Any = None, only_for: str | None = None
    ) -> Message:
        """A new message (ephemeral when `only_for` names someone); blocks get their ids."""
        micros = self._last_ts = max(round(time.time() * 1_000_000), self._last_ts + 1)
        ts = f"{micros // 1_000_000}.{micros % 1_000_000:06d}"  # unique and increasing
        message = Message(ts, channel, user, text, with_ids(blocks), only_for)
        self.messages.append(message)
        self.touch()
        return message

    def message(self, channel: str, ts: str) -> Message | None:
        return next((m for m in self.messages if (m.channel, m.ts) == (channel, ts)), None)

    def replace(self, message: Message, text: str, blocks: Any) -> None:
        message.text, message.blocks = text, with_ids(blocks)
        self.touch()

    def delete(self, message: Message) -> None:
        self.messages = [m for m in self.messages if m is not message]
        self.touch()

    def visible_to(self, user: str) -> list[Message]:
        """The channel and the user's DM with the bot, with the ephemerals meant for them."""
        return [
            m
            for m in self.messages
            if m.channel in (CHANNEL_ID, dm_of(user)) and m.only_for in (None, user)
        ]

    # ---- views ----------------------------------------------------------------------------

    def open_view(self, user: str, body: Json, *, push: bool = False) -> View:
        view = View(new_view_id(), user, body | {"blocks": with_ids(body.get("blocks"))})
        self.modals[user] = [*self.modals.get(user, []), view] if push else [view]
        self.touch()
        return view

    def view(self, view_id: str) -> View | None:
        stacks = [*self.modals.values(), list(self.homes.values())]
        return next((v for stack in stacks for v in stack if v.id == view_id), None)

    def update_view(self, view: View, body: Json) -> View:
        view.body = body | {"blocks": with_ids(body.get("blocks"))}
        view.hash, view.errors = new_hash(), {}
        self.touch()
        return view

    def close_view(self, view: View) -> None:
        """Close a modal view (and any pushed above it)."""
        stack = self.modals.get(view.user, [])
        if view in stack:
            self.modals[view.user] = stack[: stack.index(view)]
        self.touch()

    def top_view(self, user: str) -> View | None:
        stack = self.modals.get(user) or []
        return stack[-1] if stack else None

    def publish_home(self, user: str, body: Json) -> View:
        home = self.homes.get(user) or View(new_view_id(), user, {})
        self.homes[user] = home
        return self.update_view(home, body)

    # ---- triggers and response URLs -------------------------------------------------------

    def new_trigger(self, user: str) -> str:
        trigger = trigger_id()
        self.triggers[trigger] = (user, time.time() + TRIGGER_LIFETIME)
        return trigger

    def take_trigger(self, trigger: str) -> tuple[str | None, str]:
        """The user a trigger_id belongs to, once and while fresh; else Slack's error."""
        user, until = self.triggers.pop(trigger, (None, 0.0))
        if user is None:
            return None, "invalid_trigger_id"
        return (user, "") if until > time.time() else (None, "expired_trigger_id")

    def new_response_url(self, user: str, channel: str, original: str | None = None) -> str:
        key = secrets.token_urlsafe(18)
        self.response_urls[key] = ResponseUrl(user, channel, original)
        return key

    def use_response_url(self, key: str) -> tuple[ResponseUrl | None, str]:
        """The target of a response_url, counting one use; else why it can't be used."""
        target = self.response_urls.get(key)
        if target is None or target.expires < time.time():
            return None, "expired_url"
        if target.uses >= RESPONSE_URL_USES:
            return None, "used_url"
        target.uses += 1
        return target, ""

    # ---- the page's view of it ------------------------------------------------------------

    def snapshot(self, user: str) -> Json:
        """Everything `user` sees: messages, the modal on top (with its errors), their Home."""
        modal, home = self.top_view(user), self.homes.get(user)
        return {
            "version": self.version,
            "messages": [m.to_json() for m in self.visible_to(user)],
            "modal": modal and {"view": modal.to_json(), "errors": modal.errors},
            "home": home and {"view": home.to_json()},
        }
