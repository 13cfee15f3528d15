"""OAuth states, encrypted links and app-level tokens (`store.links`)."""

from __future__ import annotations

import json
import time

from bot.errors import TokenUnreadable
from bot.models import Link, Owner, PendingLink, TokenSet
from bot.store import keys, scripts
from bot.store.base import Aggregate


def _state_owner(key: str) -> Owner:
    """A state's record opens only under its own key."""
    return Owner(keys.APP, key, "state")


class Links(Aggregate):
    """Everything secret: sealed with the owner inside before it reaches Redis."""

    async def put_state(self, state: str, pending: PendingLink) -> None:
        """Sealed like a token: it holds the prompt's response_url, a bearer capability."""
        key = keys.state_key(state)
        blob = self._cipher.seal(_state_owner(key), json.loads(pending.model_dump_json()))
        await self._base.set(key, blob, keys.STATE_TTL)

    async def take_state(self, state: str) -> PendingLink | None:
        """Consume a state once, atomically: a second call (or a record no key opens) gets None."""
        key = keys.state_key(state)
        blob = await self._base.take(key)
        if blob is None:
            return None
        try:
            return PendingLink.model_validate(self._cipher.open(_state_owner(key), blob))
        except TokenUnreadable:
            return None

    async def save(self, owner: Owner, link: Link) -> None:
        """An active link is kept until unlinked; one awaiting confirmation for an hour."""
        blob = self._cipher.seal(owner, json.loads(link.model_dump_json()))
        ttl = None if link.confirmed else keys.UNCONFIRMED_TTL
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(keys.link_key(owner), blob, ex=ttl)
        linked = keys.linked_key(owner.provider)  # counts active links only
        (pipe.sadd if link.confirmed else pipe.srem)(linked, owner.key)
        await self._call(pipe.execute())

    async def load(self, owner: Owner) -> Link | None:
        loaded = await self.load_version(owner)
        return None if loaded is None else loaded[1]

    async def load_version(self, owner: Owner) -> tuple[bytes, Link] | None:
        """The link and the exact stored bytes, for a later `swap`."""
        blob = await self._call(self._get(keys.link_key(owner)))
        if blob is None:
            return None
        return blob, Link.model_validate(self._cipher.open(owner, blob))

    async def swap(self, owner: Owner, expected: bytes, link: Link) -> bool:
        """Write `link` only if the stored bytes are still `expected` (compare-and-set)."""
        blob = self._cipher.seal(owner, json.loads(link.model_dump_json()))
        swapped = await self._call(
            self._redis.eval(scripts.SWAP, 1, keys.link_key(owner), expected, blob)
        )
        return bool(swapped)

    async def delete(self, owner: Owner) -> bool:
        """Unlink; what was cached for the link (its values) goes with it."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(keys.link_key(owner))
        pipe.delete(keys.values_key(owner))
        pipe.srem(keys.linked_key(owner.provider), owner.key)
        deleted, *_ = await self._call(pipe.execute())
        return bool(deleted)

    async def save_app_token(self, provider: str, token: TokenSet) -> None:
        """Kept until it expires; one already expired (or about to) is not kept at all."""
        ttl = int(token.expires_at - time.time()) if token.expires_at is not None else None
        if ttl is not None and ttl < 1:
            await self.delete_app_token(provider)
            return
        owner = Owner(keys.APP, keys.APP, provider)
        blob = self._cipher.seal(owner, json.loads(token.model_dump_json()))
        await self._call(self._redis.set(keys.app_token_key(provider), blob, ex=ttl))

    async def delete_app_token(self, provider: str) -> None:
        await self._call(self._redis.delete(keys.app_token_key(provider)))

    async def load_app_token(self, provider: str) -> TokenSet | None:
        blob = await self._call(self._get(keys.app_token_key(provider)))
        if blob is None:
            return None
        return TokenSet.model_validate(self._cipher.open(Owner(keys.APP, keys.APP, provider), blob))
