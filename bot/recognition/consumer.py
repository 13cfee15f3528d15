"""The outbox's consumer: it delivers what `Outbox` queued, one attempt per entry under the
intent's delivery lock (the worker process, or the web process itself when no worker runs)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import os
import socket
import time
from asyncio import FIRST_COMPLETED
from contextlib import suppress

from bot.errors import KudosError
from bot.intents import Intent
from bot.recognition.delivery import Deliverer, give_up_at
from bot.recognition.outbox import WATCH, WATCH_GRACE, OnOutcome
from bot.runtime import tasks
from bot.store import Store
from bot.store.outbox import Delivery, HeldElsewhere
from bot.telemetry import logs, metrics

log = logging.getLogger(__name__)
HEARTBEAT = 5.0  # seconds between a worker's heartbeats
IN_FLIGHT = 16  # deliveries one consumer runs at once
STOP_GRACE = 3.0  # seconds deliveries under way may take to finish at shutdown
STOPPED_WITHIN = STOP_GRACE + tasks.CANCELS * tasks.GRACE  # a consumer's stop, all told
ALIVE = 3 * HEARTBEAT
# Seconds between the web consumer's looks for live workers, and between any consumer's claims
# of entries whose consumer died (XAUTOCLAIM): not one of each per read of the stream.
LOOK_EVERY = 1.0
# The per-intent delivery lock: renewed every third of this while its consumer runs; lost this
# long after a consumer died.
DELIVERY_LOCK_TTL = 6.0
# A delivery's lease beyond the attempt's own deadline (delivery.py): the Redis reads and writes
# around it and the bounded stop of an attempt cut off. No renewal extends a lock past its lease.
LEASE_MARGIN = 10.0
CLOCK_SKEW = 5.0  # seconds the watchdog allows between the lock holder's clock and its own


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
        beat, looked, claimed, ready = 0.0, -LOOK_EVERY, -LOOK_EVERY, False
        while not stop.is_set():
            try:
                if self._worker and time.time() - beat > HEARTBEAT:
                    await self._store.outbox.heartbeat(self.name)
                    beat = time.time()
                if not self._worker and time.monotonic() - looked >= LOOK_EVERY:
                    if await self._store.outbox.workers_alive(ALIVE):
                        await _pause(stop, HEARTBEAT)
                        continue
                    looked = time.monotonic()
                if not ready:
                    await self._store.outbox.create_group()
                    ready = True
                if len(running) >= IN_FLIGHT:
                    await asyncio.wait(running, timeout=HEARTBEAT, return_when=FIRST_COMPLETED)
                    continue
                room, claim = IN_FLIGHT - len(running), time.monotonic() - claimed >= LOOK_EVERY
                entries = await self._store.outbox.next(self.name, self._retry_ms, 500, room, claim)
                claimed = time.monotonic() if claim else claimed
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
        platform asked for); once the intent is final, tell people (its entry was dropped with
        the outcome's saving). The lock lasts the lease at most, and the work under it is cut
        off before the lease ends."""
        try:
            async with self._store.outbox.delivering(intent_id, self._lock_ttl, self.lease) as held:
                work = self._attempt(entry_id, held)
                final = await tasks.within(self.lease - tasks.CANCELS * tasks.GRACE, work)
        except HeldElsewhere as busy:  # if its holder dies, its lock lapses and this is claimed
            self._watch(intent_id, busy.lock_ends, busy.intent)
            return
        except TimeoutError:  # left pending: claimed again, and reconciled, after the retry delay
            log.warning("outbox: a delivery was cut off at the end of its lease")
            return
        if final is not None:
            intent, taken = final
            logs.CURRENT.set(logs.delivery_fields(intent))  # the outcome's lines too
            if taken is None:  # handed over, not taken yet: wait on
                taken = await self._store.intents.taken_by_watcher(intent.id, WATCH + WATCH_GRACE)
            await self._on_outcome(intent, taken)

    async def _attempt(self, entry_id: str, held: Delivery) -> tuple[Intent, bool | None] | None:
        """Under the lock: the final intent, and whether a watching request took it over."""
        intent = held.intent
        if intent is None or intent.final:
            await self._store.outbox.done(entry_id)
            return None
        if not self._deliverer.due(intent):
            return None  # claimed again after the retry delay
        logs.CURRENT.set(logs.delivery_fields(intent))  # this task's log lines
        landed = held.takings > 1  # an earlier holder may have posted before it died
        intent = await self._deliverer.attempt(intent, None, may_have_landed=landed)
        metrics.delivery_attempted(intent.draft.provider, intent.status)
        if not intent.final:
            await self._store.intents.save(intent)
            return None
        taken = await self._store.intents.finish(intent, entry_id, held.lease)
        log.info("delivery on %s: %s", intent.draft.provider, intent.status)
        return intent, taken

    def _watch(self, intent_id: str, lock_ends: float, intent: Intent | None) -> None:
        """The watchdog, on an intent someone else holds (its lock and the intent were read in
        the attempt to take it): a lock alive past the deadline it carries is a stuck delivery;
        so is, under a lock that names none (an older version's), a pending intent locked a
        lease after it should have failed. Logged (by a hash of its id) and counted once per
        intent."""
        if intent is None or intent.final:
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
