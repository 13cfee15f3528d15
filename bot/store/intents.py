"""Recognition intents and their hand-over between the Send request and the consumer
(`store.intents`).

The watch key says who tells the sender a final outcome: "1" while the Send request watches,
"final" once the consumer handed the outcome over, "taken" once the request has it in hand. The
consumer stays silent only on "taken"; a watch that lapses otherwise leaves the DM to it.

Neither side polls: each change the other waits for is pushed, in the same atomic step, onto a
list the other blocks on (BLPOP): the hand-over and an attempt that failed for now onto the
intent's news list, the taking onto its taken list. A wait ends at once when the news comes.
Queueing puts the intent's id on the outbox stream (bot/store/outbox.py) in the same step."""

from __future__ import annotations

import time
from typing import Any

from bot.errors import StoreUnavailable
from bot.intents import Intent
from bot.store import keys, scripts
from bot.store.base import Aggregate, text
from bot.store.lease import Lease

WATCHING, HANDED_OVER, TAKEN = "1", "final", "taken"  # the watch key's values
MIN_WAIT = 0.01  # seconds: Redis reads a blocking wait of 0 as "forever"
NO_ENTRY = "0-0"  # an outbox entry id that names none (an intent finished outside the stream)
UNWATCHED = "unwatched"  # on the taken list when nobody watched: the consumer's wait ends
Watched = tuple[Intent | None, Intent | None]  # the outcome taken over; news of a failed attempt
NEWS_TTL = 60  # seconds news nobody waits for stays (a watch lasts 15)
WAKE_SLICE = 0.8  # the consumer's wait for the taking, under the client's 1 s socket timeout


class Intents(Aggregate):
    """An intent's record, its watch key, and the news and taken lists of its hand-over."""

    async def save(self, intent: Intent) -> None:
        """Save it; an attempt that failed for now is also news for the request watching.
        Nothing is written once the app was uninstalled from the intent's workspace."""
        names = [keys.uninstalled_key(intent.draft.team_id), keys.intent_key(intent.id)]
        args: list[str | int] = [intent.model_dump_json(), keys.INTENT_TTL]
        if intent.reason:
            names.append(keys.news_key(intent.id))
            args.append(NEWS_TTL)
        script = scripts.SET_UNLESS_UNINSTALLED
        await self._call(self._redis.eval(script, len(names), *names, *args))

    async def load(self, intent_id: str) -> Intent | None:
        raw = await self._call(self._redis.get(keys.intent_key(intent_id)))
        return None if raw is None else Intent.model_validate_json(raw)

    async def queue_draft(self, intent: Intent, watch: float) -> bool:
        """Consume the intent's draft and queue the intent in one step; False if the draft was
        already taken (or changed) by someone else."""
        draft = intent.draft
        names = [
            keys.draft_key(draft.team_id, draft.user_id, draft.id),
            keys.intent_key(intent.id),
            keys.watch_key(intent.id),
            keys.OUTBOX,
        ]
        args: list[str | int] = [
            await self._base.deadline(),
            draft.model_dump_json(),
            intent.model_dump_json(),
            keys.INTENT_TTL,
            max(1, int(watch * 1000)),
            intent.id,
        ]
        queued = await self._call(self._redis.eval(scripts.QUEUE_DRAFT, 4, *names, *args))
        if queued == -1:
            raise self._base.late()  # Redis stalled past the deadline: nothing changed
        return bool(queued == 1)

    async def enqueue(self, intent: Intent, watch: float) -> None:
        """Record the intent, mark it watched for `watch` s, queue it (one round trip); not
        once the app was uninstalled from its workspace."""
        names = [
            keys.uninstalled_key(intent.draft.team_id),
            keys.intent_key(intent.id),
            *(keys.watch_key(intent.id), keys.news_key(intent.id), keys.taken_key(intent.id)),
            keys.OUTBOX,
        ]  # an earlier watch's news and taking go
        watch_ms = max(1, int(watch * 1000))
        args = (intent.model_dump_json(), keys.INTENT_TTL, WATCHING, watch_ms, intent.id)
        await self._call(self._redis.eval(scripts.ENQUEUE, len(names), *names, *args))

    async def watch(self, intent_id: str, wait: float) -> Watched:
        """Block up to `wait` s for news of the watched intent, then end the watch, in one round
        trip: a pipeline, whose wait the read is given (bot/store/connection.py), and whose
        END_WATCH Redis runs as the wait ends (its deadline counts the wait). The final intent
        if it was handed over (the caller now tells the sender), else None (the consumer
        will); and the intent after an attempt that failed for now, if that was the news."""
        wait = round(max(wait, MIN_WAIT), 3)
        deadline = await self._base.deadline() + int(wait * 1_000_000)
        pipe = self._redis.pipeline(transaction=False)
        pipe.blpop([keys.news_key(intent_id)], timeout=wait)
        pipe.eval(scripts.END_WATCH, 3, *self._watch_keys(intent_id), deadline, HANDED_OVER, TAKEN)
        popped, answer = await self._call(pipe.execute())
        news = None if popped is None else text(popped[1])
        later = None if news in (None, HANDED_OVER) else Intent.model_validate_json(news)
        return self._ended(answer), later

    async def finish(
        self, intent: Intent, entry_id: str = NO_ENTRY, lease: Lease | None = None
    ) -> bool | None:
        """Save a final intent, hand it to the request watching it, acknowledge its outbox
        entry and release its delivery lock in one step, and wait WAKE_SLICE for the taking in
        the same round trip. True: the watching request took it (it tells the sender); False:
        nobody watches (the caller tells the sender); None: handed over but not taken yet (see
        `taken_by_watcher`). A failed one also drops its recipients from the cache: the next
        try looks them up. Nothing of it is written once the app left its workspace."""
        draft = intent.draft
        names = [
            keys.uninstalled_key(draft.team_id),
            *(keys.watch_key(intent.id), keys.news_key(intent.id), keys.intent_key(intent.id)),
            *(keys.taken_key(intent.id), keys.delivery_lock_key(intent.id), keys.OUTBOX),
        ]
        if intent.status == "failed":
            names += [
                keys.recipient_key(draft.team_id, draft.provider, r.slack_id)
                for r in draft.recipients
            ]
        lock = lease.value if lease else ""
        args = (WATCHING, HANDED_OVER, intent.model_dump_json(), keys.INTENT_TTL, lock)
        pipe = self._redis.pipeline(transaction=False)
        pipe.eval(scripts.FINISH, len(names), *names, *args, keys.OUTBOX_GROUP, entry_id, UNWATCHED)
        pipe.blpop([keys.taken_key(intent.id)], timeout=WAKE_SLICE)
        handed, taking = await self._call(pipe.execute())
        if lease:
            lease.released()
        return (taking is not None and text(taking[1]) == TAKEN) if not handed or taking else None

    async def stop_watching(self, intent_id: str) -> Intent | None:
        """End the watch now: the final intent if it was handed over first (the caller now tells
        the sender), else None (the consumer will)."""
        deadline = await self._base.deadline()
        end = self._redis.eval(
            scripts.END_WATCH, 3, *self._watch_keys(intent_id), deadline, HANDED_OVER, TAKEN
        )
        return self._ended(await self._call(end))

    @staticmethod
    def _watch_keys(intent_id: str) -> tuple[str, str, str]:
        return keys.watch_key(intent_id), keys.intent_key(intent_id), keys.taken_key(intent_id)

    def _ended(self, answer: list[Any]) -> Intent | None:
        """END_WATCH's answer: the intent taken over, or None."""
        if answer[0] == -1:
            raise self._base.late()  # Redis stalled past the deadline: nothing changed
        raw = answer[1] if answer[0] == 1 and len(answer) > 1 else None
        return None if raw is None else Intent.model_validate_json(raw)

    async def taken_by_watcher(self, intent_id: str, within: float) -> bool:
        """After a hand-over: True once the watching request has taken the outcome; False if
        its watch lapsed first (it died, or lost Redis) or Redis can't say: then the caller
        tells the sender (told twice, at worst, rather than never). Called after a wait on the
        taken list ended without news (`finish`'s): reads the watch key, then blocks again."""
        deadline = time.monotonic() + within
        taken = [keys.taken_key(intent_id)]
        try:
            while time.monotonic() < deadline:
                value = await self._call(self._redis.get(keys.watch_key(intent_id)))
                if value is None or text(value) != HANDED_OVER:
                    return value is not None and text(value) == TAKEN
                if await self._call(self._redis.blpop(taken, timeout=WAKE_SLICE)) is not None:
                    return True
        except StoreUnavailable:
            return False
        return False
