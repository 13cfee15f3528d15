"""OAuth states, encrypted links and app-level tokens."""

from __future__ import annotations

import json
import time

from bot.errors import TokenUnreadable
from bot.models import Link, Owner, PendingLink, TokenSet
from bot.store import keys, scripts
from bot.store.base import RedisBase


class Links(RedisBase):
    """Everything secret: sealed with the owner inside before it reaches Redis."""

    async def put_state(self, state: str, pending: PendingLink) -> None:
        await self._set(keys.state_key(state), pending.model_dump_json(), keys.STATE_TTL)

    async def take_state(self, state: str) -> PendingLink | None:
        """Consume a state once, atomically: a second call gets None."""
        raw = await self._take(keys.state_key(state))
        return None if raw is None else PendingLink.model_validate_json(raw)

    async def save_link(self, owner: Owner, link: Link) -> None:
        """An active link is kept until unlinked; one awaiting confirmation for an hour."""
        blob = self._cipher.seal(owner, json.loads(link.model_dump_json()))
        ttl = None if link.confirmed else keys.UNCONFIRMED_TTL
        await self._call(self._redis.set(keys.link_key(owner), blob, ex=ttl))

    async def load_link(self, owner: Owner) -> Link | None:
        loaded = await self.load_link_version(owner)
        return None if loaded is None else loaded[1]

    async def load_link_version(self, owner: Owner) -> tuple[bytes, Link] | None:
        """The link and the exact stored bytes, for a later `swap_link`."""
        blob = await self._call(self._redis.get(keys.link_key(owner)))
        if blob is None:
            return None
        return blob, Link.model_validate(self._cipher.open(owner, blob))

    async def swap_link(self, owner: Owner, expected: bytes, link: Link) -> bool:
        """Write `link` only if the stored bytes are still `expected` (compare-and-set)."""
        blob = self._cipher.seal(owner, json.loads(link.model_dump_json()))
        swapped = await self._call(
            self._redis.eval(scripts.SWAP, 1, keys.link_key(owner), expected, blob)
        )
        return bool(swapped)

    async def delete_link(self, owner: Owner) -> bool:
        """Unlink; what was cached for the link (its values) goes with it."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(keys.link_key(owner))
        pipe.delete(keys.values_key(owner))
        deleted, _ = await self._call(pipe.execute())
        return bool(deleted)

    async def save_app_token(self, provider: str, token: TokenSet) -> None:
        owner = Owner(keys.APP, keys.APP, provider)
        blob = self._cipher.seal(owner, json.loads(token.model_dump_json()))
        ttl = int(token.expires_at - time.time()) if token.expires_at else None
        await self._call(self._redis.set(keys.app_token_key(provider), blob, ex=ttl or None))

    async def load_app_token(self, provider: str) -> TokenSet | None:
        blob = await self._call(self._redis.get(keys.app_token_key(provider)))
        if blob is None:
            return None
        return TokenSet.model_validate(self._cipher.open(Owner(keys.APP, keys.APP, provider), blob))

    async def rotate_tokens(self) -> tuple[int, int]:
        """Re-encrypt every stored token under the newest key; drop what no key can open.
        Returns (re-encrypted, dropped). A record changed meanwhile is left for its writer."""
        rotated = dropped = 0
        for pattern in keys.TOKEN_PATTERNS:
            async for key in self._redis.scan_iter(match=pattern, count=500):
                blob = await self._call(self._redis.get(key))
                if blob is None:
                    continue
                try:
                    fresh = self._cipher.rotate(blob)
                except TokenUnreadable:
                    dropped += await self._call(self._redis.delete(key))
                    continue
                rotated += await self._call(self._redis.eval(scripts.SWAP, 1, key, blob, fresh))
        return rotated, dropped
