"""GETs that arrive while one is in flight go to Redis together, in one pipelined round trip.

Under load every request reads one record (its link) on its own connection: a write, a reply,
a wake-up of the event loop and a pass through redis-py's pool for each, which made the read
cost more than all the rest of a `/kudos status` request beyond Bolt's own (README,
Performance). One GET at a time goes out alone, so a quiet process reads exactly as before; the
GETs that arrive meanwhile wait for it and then go out as one pipeline (no transaction: each is
a read of its own key), one write and one reply for all of them. Ordering is kept: a request's
GET is sent after everything it awaited before it."""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.runtime.shared import Shared

MOST_AT_ONCE = 256  # GETs in one pipeline; more wait for the next


class BatchedReads(Shared):
    """`get` for one Redis client; errors reach every waiter as redis-py raised them."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._waiting: list[tuple[str, asyncio.Future[Any]]] = []
        self._busy = False  # a GET or a batch is in flight
        self._batches: set[asyncio.Task[list[Any]]] = set()

    async def get(self, key: str) -> Any:
        if self._busy:
            waiter = asyncio.get_running_loop().create_future()
            self._waiting.append((key, waiter))
            return await waiter
        self._busy = True
        try:
            return await self._redis.get(key)
        finally:
            self._next()

    def _next(self) -> None:
        """Send what waited as one batch, or be idle."""
        batch: list[tuple[str, asyncio.Future[Any]]] = []
        while self._waiting and not batch:
            first, self._waiting = self._waiting[:MOST_AT_ONCE], self._waiting[MOST_AT_ONCE:]
            batch = [(key, waiter) for key, waiter in first if not waiter.done()]
        self._busy = bool(batch)
        if batch:
            sent = asyncio.ensure_future(self._send([k for k, _ in batch]))  # noqa: RUF006
            self._batches.add(sent)  # kept until it ends: asyncio holds tasks only weakly
            sent.add_done_callback(lambda done: self._answer(done, [w for _, w in batch]))

    async def _send(self, keys: list[str]) -> list[Any]:
        pipe = self._redis.pipeline(transaction=False)
        for key in keys:
            pipe.get(key)
        answers: list[Any] = await pipe.execute()
        return answers

    def _answer(self, done: asyncio.Task[list[Any]], waiters: list[asyncio.Future[Any]]) -> None:
        """Runs however the batch ended (even cancelled before it started)."""
        self._batches.discard(done)
        for n, waiter in enumerate(waiters):
            if waiter.done():  # its request was cancelled meanwhile
                continue
            if done.cancelled():  # only as the event loop closes: the read was not made
                waiter.set_exception(RedisConnectionError("the batch of reads was stopped"))
            elif (error := done.exception()) is not None:
                waiter.set_exception(error)
            else:
                waiter.set_result(done.result()[n])
        self._next()
