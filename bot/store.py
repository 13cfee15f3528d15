"""The only module that names Redis keys: OAuth state, encrypted links, recognition drafts."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.crypto import TokenCipher
from bot.errors import StoreUnavailable
from bot.models import Draft, Link, Owner, PendingLink

STATE_TTL = 600
DRAFT_TTL = 3600
PREFIX = "kb"


def _state_key(state: str) -> str:
    # Only a digest is kept, so a copy of Redis holds no live state value.
    return f"{PREFIX}:state:{hashlib.sha256(state.encode()).hexdigest()}"


def _link_key(owner: Owner) -> str:
    return f"{PREFIX}:link:{owner.key}"


def _draft_key(team_id: str, user_id: str, draft_id: str) -> str:
    # The owner is part of the key: a user can only ever reach their own drafts.
    return f"{PREFIX}:draft:{team_id}:{user_id}:{draft_id}"


class Store:
    """Typed access to Redis; every Redis failure surfaces as `StoreUnavailable`."""

    def __init__(self, redis: Redis, cipher: TokenCipher) -> None:
        self._redis = redis
        self._cipher = cipher

    async def ping(self) -> bool:
        try:
            return bool(await self._call(self._redis.ping()))
        except StoreUnavailable:
            return False

    async def put_state(self, state: str, pending: PendingLink) -> None:
        await self._set(_state_key(state), pending.model_dump_json(), STATE_TTL)

    async def take_state(self, state: str) -> PendingLink | None:
        """Consume a state once, atomically: a second call gets None."""
        raw = await self._call(self._redis.getdel(_state_key(state)))
        return None if raw is None else PendingLink.model_validate_json(raw)

    async def save_link(self, owner: Owner, link: Link) -> None:
        blob = self._cipher.seal(owner, json.loads(link.model_dump_json()))
        await self._call(self._redis.set(_link_key(owner), blob))

    async def load_link(self, owner: Owner) -> Link | None:
        blob = await self._call(self._redis.get(_link_key(owner)))
        return None if blob is None else Link.model_validate(self._cipher.open(owner, blob))

    async def delete_link(self, owner: Owner) -> bool:
        return bool(await self._call(self._redis.delete(_link_key(owner))))

    async def put_draft(self, draft: Draft) -> None:
        key = _draft_key(draft.team_id, draft.user_id, draft.id)
        await self._set(key, draft.model_dump_json(), DRAFT_TTL)

    async def get_draft(self, team_id: str, user_id: str, draft_id: str) -> Draft | None:
        raw = await self._call(self._redis.get(_draft_key(team_id, user_id, draft_id)))
        return None if raw is None else Draft.model_validate_json(raw)

    async def take_draft(self, team_id: str, user_id: str, draft_id: str) -> Draft | None:
        """Claim a draft once, atomically: of two concurrent Sends only one gets it."""
        raw = await self._call(self._redis.getdel(_draft_key(team_id, user_id, draft_id)))
        return None if raw is None else Draft.model_validate_json(raw)

    async def _set(self, key: str, value: str | bytes, ttl: int) -> None:
        await self._call(self._redis.set(key, value, ex=ttl))

    @staticmethod
    async def _call(awaitable: Any) -> Any:
        """Await a Redis command; connection trouble becomes `StoreUnavailable`."""
        try:
            return await awaitable
        except (RedisError, OSError) as error:
            raise StoreUnavailable() from error
