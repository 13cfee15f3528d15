"""What `GET /metrics` reads from Redis at scrape time: a few O(1) commands in one round trip
(`store.stats`)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from bot.store import keys
from bot.store.base import Aggregate, text


@dataclass(frozen=True)
class Stats:
    """Shared state every process sees alike, read by whichever process is scraped."""

    links: dict[str, int] = field(default_factory=dict)  # platform → linked users
    outbox_pending: int = 0
    oldest_pending_seconds: float = 0.0
    directory_age_seconds: dict[str, float] = field(default_factory=dict)  # built ones only


class StatsReader(Aggregate):
    """No SCAN: link counts are sets kept on link and unlink, the outbox is one stream."""

    async def count_links_once(self) -> int:
        """Once per deployment: put the links made before link counting existed in the sets
        (active links are the ones without a TTL). Returns how many were found."""
        if await self._call(self._redis.exists(keys.LINKS_COUNTED)):
            return 0
        async with self._base.locked("count-links", wait=0):  # Busy: another process counts
            found = 0
            async for batch in self._link_keys():
                pipe = self._redis.pipeline(transaction=False)
                for key in batch:
                    pipe.ttl(key)
                ttls = await self._call(pipe.execute())
                active = [
                    keys.link_owner(k) for k, ttl in zip(batch, ttls, strict=True) if ttl == -1
                ]
                pipe = self._redis.pipeline(transaction=False)
                for owner in filter(None, active):
                    pipe.sadd(keys.linked_key(owner.provider), owner.key)
                    found += 1
                await self._call(pipe.execute())
            await self._call(self._redis.set(keys.LINKS_COUNTED, "1"))
        return found

    async def _link_keys(self) -> AsyncIterator[list[str]]:
        batch: list[str] = []
        async for key in self._redis.scan_iter(match=keys.LINK_PATTERN, count=500):
            batch.append(text(key))
            if len(batch) == 500:
                yield batch
                batch = []
        if batch:
            yield batch

    async def read(self, platforms: list[str], directories: list[str]) -> Stats:
        pipe = self._redis.pipeline(transaction=False)
        for name in platforms:
            pipe.scard(keys.linked_key(name))
        pipe.xlen(keys.OUTBOX)
        pipe.xrange(keys.OUTBOX, count=1)  # the oldest entry: its id is when it was queued
        for name in directories:
            pipe.hget(keys.directory_key(name), "")
        answers = await self._call(pipe.execute())
        now = time.time()
        links = dict(zip(platforms, map(int, answers[: len(platforms)]), strict=True))
        pending, oldest, *built = answers[len(platforms) :]
        return Stats(
            links=links,
            outbox_pending=int(pending),
            oldest_pending_seconds=_age(oldest, now),
            directory_age_seconds={
                name: max(0.0, now - float(at))
                for name, at in zip(directories, built, strict=True)
                if at is not None
            },
        )


def _age(oldest: list[tuple[bytes | str, object]], now: float) -> float:
    """Seconds since the oldest stream entry was added (its id starts with milliseconds)."""
    if not oldest:
        return 0.0
    entry_id = oldest[0][0]
    return max(0.0, now - int(text(entry_id).partition("-")[0]) / 1000)
