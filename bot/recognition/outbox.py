"""The outbox: a confirmed recognition is recorded and queued first, then delivered by a
consumer (bot/recognition/consumer.py: the worker process, or the web process itself when no
worker runs). This is the request's side: queue, watch, retry."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from bot.errors import DraftGone, InvalidInput, StoreBusy
from bot.intents import Draft, Intent
from bot.runtime.shared import Shared
from bot.store import Store
from bot.store.intents import Watched
from bot.telemetry import logs

OnOutcome = Callable[[Intent, bool], Awaitable[None]]  # a final intent; sender told?
WATCH = 5.0  # seconds the Send handler waits to show the outcome itself
# The watch key outlives the wait by this much, so only the hand-over decides who tells the
# sender; it expires by itself only when the watching request died.
WATCH_GRACE = 10.0


class Outbox(Shared):
    """What the Send button and the form use: queue an intent, then watch it for a while."""

    def __init__(self, store: Store, watch: float = WATCH) -> None:
        self._store, self._watch = store, watch

    async def submit(self, draft: Draft) -> Intent:
        """Claim the draft and queue it in one step (of two Sends, one wins); `outcome` then
        watches it on the sender's behalf."""
        intent = Intent(id=draft.id, draft=draft, request_id=logs.request_id())
        if not await self._store.intents.queue_draft(intent, self._watch + WATCH_GRACE):
            raise DraftGone()
        return intent

    async def outcome(self, intent: Intent) -> Intent:
        """The intent once final, or once an attempt failed for now, or when the watch ends.
        One side tells the sender a final outcome: this request if it took the outcome the
        consumer handed over before the watch ended, else the consumer, later, by DM. One round
        trip blocks on the intent's news and ends the watch (no polling: bot/store/intents.py)."""
        deadline = time.monotonic() + self._watch
        watched: Watched | None = None
        while watched is None:
            try:
                watched = await self._store.intents.watch(intent.id, deadline - time.monotonic())
            except StoreBusy:  # read late by a busy process: wait out the watch, end it again
                if time.monotonic() >= deadline:
                    watched = await self._store.intents.stop_watching(intent.id), None
        taken, later = watched
        if taken:
            return taken
        current = later or intent
        return current if not current.final else current.model_copy(update={"status": "pending"})

    async def retry(self, team_id: str, user_id: str, intent_id: str) -> Intent:
        """The Retry button: the same intent again (reconciled first), only by its sender."""
        intent = await self._store.intents.load(intent_id)
        draft = intent.draft if intent else None
        if intent is None or draft is None or (draft.team_id, draft.user_id) != (team_id, user_id):
            raise InvalidInput("There's nothing to retry here any more.")
        if intent.status == "done":
            return intent
        fresh = {"status": "pending", "reason": None, "not_before": None, "relink": False}
        again = intent.model_copy(
            update=fresh | {"queued_at": time.time(), "request_id": logs.request_id()}
        )
        await self._store.intents.enqueue(again, self._watch + WATCH_GRACE)
        return again
