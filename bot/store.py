"""The only module that names Redis keys: OAuth state, encrypted links, recognition drafts."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError

from bot.crypto import TokenCipher
from bot.errors import Busy, StoreUnavailable
from bot.models import Draft, Link, Owner, PendingLink, Person, TokenSet

STATE_TTL = 600
DRAFT_TTL = 3600
UNCONFIRMED_TTL = 3600
EVENT_TTL = 900  # Slack retries an event for a few minutes; remember ids well beyond that
LOCK_TTL = 20.0  # longer than any token request may take
LOCK_WAIT = 15.0
PREFIX = "kb"
APP = "app"  # the owner of app-level tokens
# Compare-and-set: replace a value only if it is still the one we read.
SWAP = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) "
SWAP += "return 1 end return 0"


def _state_key(state: str) -> str:
    # Only a digest is kept, so a copy of Redis holds no live state value.
    return f"{PREFIX}:state:{hashlib.sha256(state.encode()).hexdigest()}"


def _link_key(owner: Owner) -> str:
    return f"{PREFIX}:link:{owner.key}"


def _app_token_key(provider: str) -> str:
    return f"{PREFIX}:apptoken:{provider}"


def _lock_key(name: str) -> str:
    return f"{PREFIX}:lock:{name}"


def _directory_key(provider: str) -> str:
    return f"{PREFIX}:dir:{provider}"


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
        """An active link is kept until unlinked; one awaiting confirmation for an hour."""
        blob = self._cipher.seal(owner, json.loads(link.model_dump_json()))
        ttl = None if link.confirmed else UNCONFIRMED_TTL
        await self._call(self._redis.set(_link_key(owner), blob, ex=ttl))

    async def load_link(self, owner: Owner) -> Link | None:
        loaded = await self.load_link_version(owner)
        return None if loaded is None else loaded[1]

    async def load_link_version(self, owner: Owner) -> tuple[bytes, Link] | None:
        """The link and the exact stored bytes, for a later `swap_link`."""
        blob = await self._call(self._redis.get(_link_key(owner)))
        if blob is None:
            return None
        return blob, Link.model_validate(self._cipher.open(owner, blob))

    async def swap_link(self, owner: Owner, expected: bytes, link: Link) -> bool:
        """Write `link` only if the stored bytes are still `expected` (compare-and-set)."""
        blob = self._cipher.seal(owner, json.loads(link.model_dump_json()))
        swapped = await self._call(self._redis.eval(SWAP, 1, _link_key(owner), expected, blob))
        return bool(swapped)

    async def save_app_token(self, provider: str, token: TokenSet) -> None:
        owner = Owner(APP, APP, provider)
        blob = self._cipher.seal(owner, json.loads(token.model_dump_json()))
        ttl = int(token.expires_at - time.time()) if token.expires_at else None
        await self._call(self._redis.set(_app_token_key(provider), blob, ex=ttl or None))

    async def load_app_token(self, provider: str) -> TokenSet | None:
        blob = await self._call(self._redis.get(_app_token_key(provider)))
        if blob is None:
            return None
        return TokenSet.model_validate(self._cipher.open(Owner(APP, APP, provider), blob))

    @asynccontextmanager
    async def locked(self, name: str, wait: float = LOCK_WAIT) -> AsyncIterator[None]:
        """Hold a Redis lock shared by every process (single-flight work); `Busy` if taken."""
        lock = self._redis.lock(_lock_key(name), timeout=LOCK_TTL, blocking_timeout=wait)
        if not await self._call(lock.acquire(blocking=wait > 0)):
            raise Busy()
        try:
            yield
        finally:
            with suppress(LockError, RedisError, OSError):
                await lock.release()  # an expired lock is already released

    async def delete_link(self, owner: Owner) -> bool:
        return bool(await self._call(self._redis.delete(_link_key(owner))))

    async def first_delivery(self, event_id: str) -> bool:
        """True the first time an Events API `event_id` is seen (remembered 15 minutes)."""
        key = f"{PREFIX}:event:{event_id}"
        return bool(await self._call(self._redis.set(key, "1", nx=True, ex=EVENT_TTL)))

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

    async def directory_get(self, provider: str, email: str) -> tuple[float | None, Person | None]:
        """When the directory was built (None: never) and the person with that e-mail: O(1)."""
        key = _directory_key(provider)
        built, raw = await self._call(self._redis.hmget(key, ["", email.casefold() or " "]))
        person = None if raw is None else Person.model_validate_json(raw)
        return (None if built is None else float(built)), person

    async def directory_built_at(self, provider: str) -> float | None:
        built = await self._call(self._redis.hget(_directory_key(provider), ""))
        return None if built is None else float(built)

    async def directory_replace(self, provider: str, people: list[Person]) -> None:
        """Swap in a whole new directory at once: readers see the old one or the new one."""
        key, staging = _directory_key(provider), f"{_directory_key(provider)}:staging"
        pipe = self._redis.pipeline(transaction=False)
        pipe.delete(staging)
        for start in range(0, len(people), 1000):
            batch = people[start : start + 1000]
            mapping = {p.email.casefold(): p.model_dump_json() for p in batch if p.email}
            if mapping:
                pipe.hset(staging, mapping=mapping)
        pipe.hset(staging, "", str(time.time()))  # when it was built; "" is no e-mail
        pipe.rename(staging, key)
        await self._call(pipe.execute())

    async def _set(self, key: str, value: str | bytes, ttl: int) -> None:
        await self._call(self._redis.set(key, value, ex=ttl))

    @staticmethod
    async def _call(awaitable: Any) -> Any:
        """Await a Redis command; connection trouble becomes `StoreUnavailable`."""
        try:
            return await awaitable
        except (RedisError, OSError) as error:
            raise StoreUnavailable() from error
