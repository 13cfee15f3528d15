"""The outbox: a confirmed recognition is recorded and queued first, then delivered by a
consumer (the worker process, or the web process itself when no worker runs)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import os
import socket
import time
from asyncio import FIRST_COMPLETED
from collections.abc import Awaitable, Callable
from contextlib import suppress

from bot.errors import Busy, DraftGone, InvalidInput, KudosError, StoreBusy
from bot.models import Draft, Intent
from bot.recognition.delivery import Deliverer, give_up_at
from bot.runtime import tasks
from bot.runtime.shared import Shared
from bot.store import Store
from bot.store.queue import WAKE_SLICE
from bot.telemetry import logs, metrics

log = logging.getLogger(__name__)
OnOutcome = Callable[[Intent, bool], Awaitable[None]]  # a final intent; sender told?
WATCH = 5.0  # seconds the Send handler waits to show the outcome itself
# The watch key outlives the wait by this much, so only the hand-over decides who tells the
# sender; it expires by itself only when the watching request died.
WATCH_GRACE = 10.0
HEARTBEAT = 5.0  # seconds between a worker's heartbeats
IN_FLIGHT = 16  # deliveries one consumer runs at once
STOP_GRACE = 3.0  # seconds deliveries under way may take to finish at shutdown
STOPPED_WITHIN = STOP_GRACE + tasks.CANCELS * tasks.GRACE  # a consumer's stop, all told
ALIVE = 3 * HEARTBEAT
# The per-intent delivery lock: renewed every third of this while its consumer runs; lost this
# long after a consumer died.
DELIVERY_LOCK_TTL = 6.0
# A delivery's lease beyond the attempt's own deadline (bot/delivery): the Redis reads and writes
# around it and the bounded stop of an attempt cut off. No renewal extends a lock past its lease.
LEASE_MARGIN = 10.0
CLOCK_SKEW = 5.0  # seconds the watchdog allows between the lock holder's clock and its own


class Outbox(Shared):
    """What the Send button and the form use: queue an intent, then watch it for a while."""

    def __init__(self, store: Store, watch: float = WATCH) -> None:
        self._store, self._watch = store, watch

    async def submit(self, draft: Draft) -> Intent:
        """Claim the draft and queue it in one step (of two Sends, one wins); `outcome` then
        watches it on the sender's behalf."""
        intent = Intent(id=draft.id, draft=draft, request_id=logs.request_id())
        if not await self._store.queue_draft(intent, self._watch + WATCH_GRACE):
            raise DraftGone()
        return intent

    async def outcome(self, intent: Intent) -> Intent:
        """The intent once final, or once an attempt failed for now, or when the watch ends.
        One side tells the sender a final outcome: this request if it took the outcome the
        consumer handed over before the watch ended, else the consumer, later, by DM. It blocks
        on the intent's news (no polling: see bot/store/queue.py)."""
        deadline = time.monotonic() + self._watch
        current = intent
        while (left := deadline - time.monotonic()) > 0:
            try:
                news = await self._store.news(intent.id, min(left, WAKE_SLICE))
            except StoreBusy:
                continue  # a wait read late by a busy process; the hand-over is not lost
            if isinstance(news, Intent):
                current = news  # an attempt failed for now: say so at once
            if news is not None:
                break
        if taken := await self._store.stop_watching(intent.id):
            return taken
        return current if not current.final else current.model_copy(update={"status": "pending"})

    async def retry(self, team_id: str, user_id: str, intent_id: str) -> Intent:
        """The Retry button: the same intent again (reconciled first), only by its sender."""
        intent = await self._store.load_intent(intent_id)
        draft = intent.draft if intent else None
        if intent is None or draft is None or (draft.team_id, draft.user_id) != (team_id, user_id):
            raise InvalidInput("There's nothing to retry here any more.")
        if intent.status == "done":
            return intent
        fresh = {"status": "pending", "reason": None, "not_before": None, "relink": False}
        again = intent.model_copy(
            update=fresh | {"queued_at": time.time(), "request_id": logs.request_id()}
        )
        await self._store.enqueue(again, self._watch + WATCH_GRACE)
        return again


class Consumer:
    """Reads the outbox with a consumer group; claims entries whose consumer died."""

    def __init__(
        self,
        store: Store,
        deliverer: Deliverer,
        on_outcome: OnOutcome,
        *,
        worker: bool,
        retry_after: float,
        lock_ttl: float = DELIVERY_LOCK_TTL,
    ) -> None:
        self._store, self._deliverer, self._on_outcome = store, deliverer, on_outcome
        self._worker = worker
        self._retry_ms = int(retry_after * 1000)
        self._lock_ttl = lock_ttl
        self.lease = deliverer.deadline + LEASE_MARGIN  # the longest a delivery lock is held
        self.stuck: set[str] = set()  # the watchdog's finds: hashes of stuck intents' ids
        self.name = f"{'worker' if worker else 'web'}-{socket.gethostname()}-{os.getpid()}"

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: deliver what is queued, then let deliveries under way finish for
        STOP_GRACE. Cancelled (a shutdown that can't wait), it stops them first, in bounded time:
        none outlives the consumer."""
        running: set[asyncio.Task[None]] = set()
        try:
            await self._consume(stop, running)
            await _finish(running)
        except asyncio.CancelledError:
            await tasks.stop(*running)
            raise

    async def _consume(self, stop: asyncio.Event, running: set[asyncio.Task[None]]) -> None:
        """Up to IN_FLIGHT deliveries at once (each mostly waits on a platform), in `running`.
        The web process stands aside while workers live."""
        beat, ready = 0.0, False
        while not stop.is_set():
            try:
                if self._worker and time.time() - beat > HEARTBEAT:
                    await self._store.heartbeat(self.name)
                    beat = time.time()
                if not self._worker and await self._store.workers_alive(ALIVE):
                    await _pause(stop, HEARTBEAT)
                    continue
                if not ready:
                    await self._store.outbox_group()
                    ready = True
                if len(running) >= IN_FLIGHT:
                    await asyncio.wait(running, timeout=HEARTBEAT, return_when=FIRST_COMPLETED)
                    continue
                room = IN_FLIGHT - len(running)
                entries = await self._store.outbox_next(self.name, self._retry_ms, 500, room)
                for entry in entries:
                    task = asyncio.create_task(self._deliver(*entry))
                    running.add(task)
                    task.add_done_callback(running.discard)
                if not entries:  # the embedded store does not block on reads: don't spin
                    await _pause(stop, 0.05)
            except KudosError as error:  # e.g. Redis away: try again shortly
                log.warning("outbox: %s", error.reason)
                ready = False  # a Redis that lost its data lost the group too
                await _pause(stop, 1.0)

    async def _deliver(self, entry_id: str, intent_id: str) -> None:
        try:
            await self.handle(entry_id, intent_id)
        except KudosError as error:  # left pending: claimed again after the retry delay
            log.warning("outbox: %s", error.reason)

    async def handle(self, entry_id: str, intent_id: str) -> None:
        """One entry: one attempt under the intent's delivery lock (none before the wait the
        platform asked for); once the intent is final, tell people and drop the entry. The lock
        lasts the lease at most, and the work under it is cut off before the lease ends."""
        try:
            async with self._store.delivering(intent_id, self._lock_ttl, self.lease):
                work = self._attempt(entry_id, intent_id)
                final = await tasks.within(self.lease - tasks.CANCELS * tasks.GRACE, work)
        except Busy:  # another consumer is on it; if it dies, its lock lapses and this is claimed
            await self._watch(intent_id)
            return
        except TimeoutError:  # left pending: claimed again, and reconciled, after the retry delay
            log.warning("outbox: a delivery was cut off at the end of its lease")
            return
        if final is not None:
            intent, handed = final
            logs.CURRENT.set(logs.delivery_fields(intent))  # the outcome's lines too
            told = handed and await self._store.taken_by_watcher(intent.id, WATCH + WATCH_GRACE)
            await self._on_outcome(intent, told)
            await self._store.outbox_done(entry_id)

    async def _attempt(self, entry_id: str, intent_id: str) -> tuple[Intent, bool] | None:
        """Under the lock: the final intent, and whether a watching request took it over."""
        intent = await self._store.load_intent(intent_id)
        if intent is None or intent.final:
            await self._store.outbox_done(entry_id)
            return None
        if not self._deliverer.due(intent):
            return None  # claimed again after the retry delay
        logs.CURRENT.set(logs.delivery_fields(intent))  # this task's log lines
        intent = await self._deliverer.attempt(intent, self._store.save_intent)
        metrics.delivery_attempted(intent.draft.provider, intent.status)
        if not intent.final:
            await self._store.save_intent(intent)
            return None
        handed = await self._store.finish_intent(intent)
        log.info("delivery on %s: %s", intent.draft.provider, intent.status)
        return intent, handed

    async def _watch(self, intent_id: str) -> None:
        """The watchdog, on an intent someone else holds: a lock alive past the deadline it
        carries is a stuck delivery; so is, under a lock that names none (an older version's),
        a pending intent locked a lease after it should have failed. Logged (by a hash of its id)
        and counted once per intent."""
        try:
            lock_ends = await self._store.delivery_deadline(intent_id)
            intent = None if lock_ends is None else await self._store.load_intent(intent_id)
        except KudosError:
            return
        if lock_ends is None or intent is None or intent.final:
            return
        named = math.isfinite(lock_ends)
        overdue_at = lock_ends + CLOCK_SKEW if named else give_up_at(intent) + self.lease
        digest = hashlib.sha256(intent_id.encode()).hexdigest()[:12]
        if time.time() > overdue_at and digest not in self.stuck:
            self.stuck.add(digest)
            metrics.STUCK.inc()
            log.warning("outbox: intent %s is pending past its deadline under a live lock", digest)


async def _finish(running: set[asyncio.Task[None]]) -> None:
    """Let deliveries under way finish for a moment; what is cut off is reconciled later."""
    if running:
        _, late = await asyncio.wait(running, timeout=STOP_GRACE)
        await tasks.stop(*late)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with suppress(TimeoutError):
        await tasks.within(seconds, stop.wait())
