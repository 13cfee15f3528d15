"""The outbox: intents, the stream their ids are queued on, and worker heartbeats."""

from __future__ import annotations

import time

from redis.exceptions import RedisError, ResponseError

from bot.errors import StoreUnavailable
from bot.models import Intent
from bot.store import keys, scripts
from bot.store.base import RedisBase

Entry = tuple[str, str]  # outbox stream entry id, intent id
HANDED_OVER = "final"  # the watch key's value once the consumer handed the outcome over


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class Queue(RedisBase):
    """Delivery records and the consumer-group stream."""

    async def save_intent(self, intent: Intent) -> None:
        await self._set(keys.intent_key(intent.id), intent.model_dump_json(), keys.INTENT_TTL)

    async def load_intent(self, intent_id: str) -> Intent | None:
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
            await self._deadline(),
            draft.model_dump_json(),
            intent.model_dump_json(),
            keys.INTENT_TTL,
            max(1, int(watch * 1000)),
            intent.id,
        ]
        queued = await self._call(self._redis.eval(scripts.QUEUE_DRAFT, 4, *names, *args))
        if queued == -1:
            raise StoreUnavailable()  # Redis stalled past the deadline: nothing changed
        return bool(queued == 1)

    async def enqueue(self, intent: Intent, watch: float) -> None:
        """Record the intent, mark it watched for `watch` s, queue it (one round trip)."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(keys.intent_key(intent.id), intent.model_dump_json(), ex=keys.INTENT_TTL)
        pipe.set(keys.watch_key(intent.id), "1", px=max(1, int(watch * 1000)))
        pipe.xadd(keys.OUTBOX, {"intent": intent.id})
        await self._call(pipe.execute())

    async def finish_intent(self, intent: Intent) -> bool:
        """Save a final intent and, in the same step, hand it to the request watching it;
        True if one was (it tells the sender), False if nobody watches (the caller does).
        A failed one also drops its recipients from the cache: the next try looks them up."""
        draft = intent.draft
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(keys.watch_key(intent.id), HANDED_OVER, xx=True, keepttl=True)
        pipe.set(keys.intent_key(intent.id), intent.model_dump_json(), ex=keys.INTENT_TTL)
        if intent.status == "failed":
            for recipient in draft.recipients:
                pipe.delete(keys.recipient_key(draft.team_id, draft.provider, recipient.slack_id))
        handed, *_ = await self._call(pipe.execute())
        return bool(handed)

    async def stop_watching(self, intent_id: str) -> bool:
        """End the watch; True if the final intent was handed over to the watcher first."""
        value = await self._call(self._redis.getdel(keys.watch_key(intent_id)))
        return value is not None and _text(value) == HANDED_OVER

    async def outbox_group(self) -> None:
        """Create the consumer group (and the stream) unless they exist."""
        try:
            await self._redis.xgroup_create(keys.OUTBOX, keys.OUTBOX_GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise StoreUnavailable() from error
        except (RedisError, OSError) as error:
            raise StoreUnavailable() from error

    async def outbox_next(
        self, consumer: str, idle_ms: int, block_ms: int, count: int = 10
    ) -> list[Entry]:
        """Entries idle longer than `idle_ms` (their consumer died or gave up), else new ones."""
        claimed = await self._call(
            self._redis.xautoclaim(
                keys.OUTBOX,
                keys.OUTBOX_GROUP,
                consumer,
                min_idle_time=idle_ms,
                start_id="0-0",
                count=count,
            )
        )
        entries = list(claimed[1])
        if not entries:
            read = await self._call(
                self._redis.xreadgroup(
                    keys.OUTBOX_GROUP, consumer, {keys.OUTBOX: ">"}, count=count, block=block_ms
                )
            )
            entries = [entry for _, batch in read or [] for entry in batch]
        return [
            (_text(entry_id), _text(fields.get(b"intent", b"")))
            for entry_id, fields in entries
            if fields
        ]

    async def outbox_done(self, entry_id: str) -> None:
        await self._call(self._redis.xack(keys.OUTBOX, keys.OUTBOX_GROUP, entry_id))

    async def heartbeat(self, worker: str) -> None:
        await self._call(self._redis.zadd(keys.WORKERS, {worker: time.time()}))

    async def workers_alive(self, within: float) -> int:
        return int(await self._call(self._redis.zcount(keys.WORKERS, time.time() - within, "+inf")))
