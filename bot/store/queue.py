"""The outbox: intents, the stream their ids are queued on, and worker heartbeats.

The watch key says who tells the sender a final outcome: "1" while the Send request watches,
"final" once the consumer handed the outcome over, "taken" once the request has it in hand. The
consumer stays silent only on "taken"; a watch that lapses otherwise leaves the DM to it.

Neither side polls: each change the other waits for is pushed, in the same atomic step, onto a
list the other blocks on (BLPOP): the hand-over and an attempt that failed for now onto the
intent's news list, the taking onto its taken list. A wait ends at once when the news comes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.exceptions import RedisError, ResponseError

from bot.errors import StoreUnavailable
from bot.models import Intent
from bot.store import keys, lease, scripts
from bot.store.base import RedisBase
from bot.telemetry import metrics

Entry = tuple[str, str]  # outbox stream entry id, intent id
WATCHING, HANDED_OVER, TAKEN = "1", "final", "taken"  # the watch key's values
STALE_WORKER = 60.0  # a worker silent this long is dropped from the heartbeats
NEWS_TTL = 60  # seconds news nobody waits for stays (a watch lasts 15)
WAKE_SLICE = 0.8  # one blocking wait, under the client's socket timeout (1 s)
# The consumer: save a final intent and hand it over, but only to a request still watching;
# nothing at all once the workspace's uninstall mark is there. KEYS mark, watch, news, intent,
# recipients to forget...; ARGV watching, handed over, intent, intent TTL. 1 if handed over.
FINISH = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[4], ARGV[3], 'EX', ARGV[4])
for i = 5, #KEYS do redis.call('DEL', KEYS[i]) end
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'KEEPTTL')
redis.call('RPUSH', KEYS[3], ARGV[2])
redis.call('PEXPIRE', KEYS[3], redis.call('PTTL', KEYS[2]))
return 1
"""
# Queue an intent again (Retry), unless its workspace's uninstall mark is there. KEYS mark,
# intent, watch, news, taken, outbox; ARGV intent, intent TTL, watching, watch ms, intent id.
ENQUEUE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
redis.call('DEL', KEYS[4], KEYS[5])
redis.call('XADD', KEYS[6], '*', 'intent', ARGV[5])
return 1
"""
# The watching request: take a handed-over outcome (with the intent), else end the watch so it
# can no longer be handed over. Refused, changing nothing, when it reaches Redis past ARGV[1].
END_WATCH = """
local now = redis.call('TIME')
if tonumber(now[1]) * 1000000 + tonumber(now[2]) > tonumber(ARGV[1]) then return {-1} end
if redis.call('GET', KEYS[1]) == ARGV[2] then
  redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
  redis.call('RPUSH', KEYS[3], ARGV[3])
  redis.call('PEXPIRE', KEYS[3], redis.call('PTTL', KEYS[1]))
  return {1, redis.call('GET', KEYS[2])}
end
redis.call('DEL', KEYS[1])
return {0}
"""


def _delivery_lock(intent_id: str) -> str:
    return keys.lock_key(f"deliver:{intent_id}")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class Queue(RedisBase):
    """Delivery records and the consumer-group stream."""

    async def save_intent(self, intent: Intent) -> None:
        """Save it; an attempt that failed for now is also news for the request watching.
        Nothing is written once the app was uninstalled from the intent's workspace."""
        names = [keys.uninstalled_key(intent.draft.team_id), keys.intent_key(intent.id)]
        args: list[str | int] = [intent.model_dump_json(), keys.INTENT_TTL]
        if intent.reason:
            names.append(keys.news_key(intent.id))
            args.append(NEWS_TTL)
        script = scripts.SET_UNLESS_UNINSTALLED
        await self._call(self._redis.eval(script, len(names), *names, *args))

    async def news(self, intent_id: str, wait: float) -> Intent | str | None:
        """Block up to `wait` s (under the socket timeout) for news of the watched intent:
        HANDED_OVER (`stop_watching` takes it), the intent after an attempt that failed for now,
        or None when nothing came."""
        popped = await self._call(self._redis.blpop([keys.news_key(intent_id)], timeout=wait))
        if popped is None:
            return None
        news = _text(popped[1])
        return HANDED_OVER if news == HANDED_OVER else Intent.model_validate_json(news)

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
        """Record the intent, mark it watched for `watch` s, queue it (one round trip); not
        once the app was uninstalled from its workspace."""
        names = [
            keys.uninstalled_key(intent.draft.team_id),
            *keys.intent_keys(intent.id),  # an earlier watch's news and taking go
            keys.OUTBOX,
        ]
        watch_ms = max(1, int(watch * 1000))
        args = (intent.model_dump_json(), keys.INTENT_TTL, WATCHING, watch_ms, intent.id)
        await self._call(self._redis.eval(ENQUEUE, len(names), *names, *args))

    async def finish_intent(self, intent: Intent) -> bool:
        """Save a final intent and, in the same step, hand it to the request watching it;
        True if one was (see `taken_by_watcher`), False if nobody watches (the caller tells the
        sender). A failed one also drops its recipients from the cache: the next try looks
        them up. Nothing is written once the app was uninstalled from its workspace."""
        draft = intent.draft
        names = [
            keys.uninstalled_key(draft.team_id),
            *(keys.watch_key(intent.id), keys.news_key(intent.id), keys.intent_key(intent.id)),
        ]
        if intent.status == "failed":
            names += [
                keys.recipient_key(draft.team_id, draft.provider, r.slack_id)
                for r in draft.recipients
            ]
        args = (WATCHING, HANDED_OVER, intent.model_dump_json(), keys.INTENT_TTL)
        return bool(await self._call(self._redis.eval(FINISH, len(names), *names, *args)))

    async def stop_watching(self, intent_id: str) -> Intent | None:
        """End the watch: the final intent if it was handed over first (the caller now tells
        the sender), else None (the consumer will)."""
        names = [keys.watch_key(intent_id), keys.intent_key(intent_id), keys.taken_key(intent_id)]
        args: list[str | int] = [await self._deadline(), HANDED_OVER, TAKEN]
        answer = await self._call(self._redis.eval(END_WATCH, 3, *names, *args))
        if answer[0] == -1:
            raise StoreUnavailable()  # Redis stalled past the deadline: nothing changed
        raw = answer[1] if answer[0] == 1 and len(answer) > 1 else None
        return None if raw is None else Intent.model_validate_json(raw)

    async def taken_by_watcher(self, intent_id: str, within: float) -> bool:
        """After a hand-over: True once the watching request has taken the outcome; False if
        its watch lapsed first (it died, or lost Redis) or Redis can't say: then the caller
        tells the sender (told twice, at worst, rather than never). Blocks on the taken list;
        reads the watch key only when a wait ends without news."""
        deadline = time.monotonic() + within
        taken = [keys.taken_key(intent_id)]
        try:
            while time.monotonic() < deadline:
                if await self._call(self._redis.blpop(taken, timeout=WAKE_SLICE)) is not None:
                    return True
                value = await self._call(self._redis.get(keys.watch_key(intent_id)))
                if value is None or _text(value) != HANDED_OVER:
                    return value is not None and _text(value) == TAKEN
        except StoreUnavailable:
            return False
        return False

    @asynccontextmanager
    async def delivering(self, intent_id: str, ttl: float, until: float) -> AsyncIterator[None]:
        """The intent's delivery lock (`Busy` if taken), renewed while its holder runs, for
        `until` seconds at most."""
        async with lease.held(self._redis, _delivery_lock(intent_id), ttl, until):
            yield

    async def delivery_deadline(self, intent_id: str) -> float | None:
        """When the intent's delivery lock should be gone (Unix time), None if it is gone."""
        value = await self._call(self._redis.get(_delivery_lock(intent_id)))
        return None if value is None else lease.deadline_of(value)

    async def outbox_group(self) -> None:
        """Create the consumer group (and the stream) unless they exist."""
        try:
            await self._redis.xgroup_create(keys.OUTBOX, keys.OUTBOX_GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise StoreUnavailable() from error
        except (RedisError, OSError) as error:
            metrics.redis_error(error)
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
        """Acknowledge the entry and delete it from the stream (one round trip)."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.xack(keys.OUTBOX, keys.OUTBOX_GROUP, entry_id)
        pipe.xdel(keys.OUTBOX, entry_id)
        await self._call(pipe.execute())

    async def heartbeat(self, worker: str) -> None:
        """Say this worker lives; forget workers silent for STALE_WORKER (they died)."""
        now = time.time()
        pipe = self._redis.pipeline(transaction=True)
        pipe.zadd(keys.WORKERS, {worker: now})
        pipe.zremrangebyscore(keys.WORKERS, "-inf", now - STALE_WORKER)
        await self._call(pipe.execute())

    async def workers_alive(self, within: float) -> int:
        return int(await self._call(self._redis.zcount(keys.WORKERS, time.time() - within, "+inf")))
