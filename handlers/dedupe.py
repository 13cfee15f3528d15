"""Events API de-duplication: Slack redelivers an event it thinks we missed (same `event_id`,
with `X-Slack-Retry-Num`); the retry is acknowledged and dropped, so nothing happens twice."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.errors import StoreUnavailable
from bot.store import Store

log = logging.getLogger(__name__)


async def drop_redeliveries(
    body: dict[str, Any], store: Store, next: Callable[[], Awaitable[Any]]
) -> BoltResponse | None:
    """Let an `event_callback` through only the first time its `event_id` is seen."""
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if not isinstance(event_id, str) or not event_id:
        await next()  # commands, actions, views and shortcuts are never redelivered as such
        return None
    try:
        first = await store.events.first_delivery(event_id)
    except StoreUnavailable:
        # Redis is away: let the event through. A rare duplicate (an idempotent Home refresh,
        # at worst) is better than an event lost for good.
        log.warning("event de-duplication skipped: Redis unavailable")
        first = True
    if first:
        await next()
        return None
    log.info("dropped a redelivered event")
    return BoltResponse(status=200, body="")


class DropRedeliveries(AsyncMiddleware):
    """`drop_redeliveries` as a class: Bolt builds every injectable argument for a function
    middleware on each request (see README, Performance)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[Any]]
    ) -> BoltResponse | None:
        return await drop_redeliveries(req.body, self._store, next)
