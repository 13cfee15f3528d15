"""Workflow steps held for their runner's link: each fails once its link button has expired
unused, unless the sign-in claimed it first (one of the two, once, across processes)
(`store.steps`)."""

from __future__ import annotations

import time

from pydantic import BaseModel

from bot.store import keys
from bot.store.base import Aggregate, text


class HeldStep(BaseModel):
    step: str  # the function_execution_id
    team_id: str
    user_id: str
    provider: str


class HeldSteps(Aggregate):
    """Held steps by id (a hash) and by deadline (a sorted set), changed together."""

    async def hold(self, held: HeldStep, seconds: float) -> None:
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(keys.HELD_STEPS, held.step, held.model_dump_json())
        pipe.zadd(keys.HELD_DEADLINES, {held.step: time.time() + seconds})
        await self._call(pipe.execute())

    async def claim(self, step: str) -> HeldStep | None:
        """The held step, for whoever removes it first: the sign-in or the expiry sweep."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.hget(keys.HELD_STEPS, step)
        pipe.zrem(keys.HELD_DEADLINES, step)
        pipe.hdel(keys.HELD_STEPS, step)
        raw, removed, _ = await self._call(pipe.execute())
        return HeldStep.model_validate_json(raw) if removed and raw is not None else None

    async def forget_workspace(self, workspace: str) -> int:
        """Drop the held steps of an uninstalled workspace (or org); returns how many went."""
        held = await self._call(self._redis.hgetall(keys.HELD_STEPS))
        ids = [
            step
            for step, raw in held.items()
            if HeldStep.model_validate_json(raw).team_id == workspace
        ]
        if ids:
            pipe = self._redis.pipeline(transaction=True)
            pipe.hdel(keys.HELD_STEPS, *ids)
            pipe.zrem(keys.HELD_DEADLINES, *ids)
            await self._call(pipe.execute())
        return len(ids)

    async def expired(self, limit: int = 50) -> list[str]:
        due = self._redis.zrangebyscore(keys.HELD_DEADLINES, 0, time.time(), start=0, num=limit)
        return [text(step) for step in await self._call(due)]
