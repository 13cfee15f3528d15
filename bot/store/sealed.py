"""Every sealed record at once (links, app-level tokens, installations): the key rotation of
`python -m bot rotate-keys` and the sample `doctor` checks the keys with (`store.sealed`)."""

from __future__ import annotations

from bot.errors import TokenUnreadable
from bot.store import keys, scripts
from bot.store.base import Aggregate, text


class SealedRecords(Aggregate):
    """Found by SCAN (Redis is never blocked), each rewritten under its writers' lock."""

    async def rotate(self) -> tuple[int, int]:
        """Re-encrypt every stored token under the newest key; drop what no key can open.
        Returns (re-encrypted, dropped). Each record is rewritten under the lock its writers
        (a refresh, an app-token mint) hold, so a refresh in flight is never undone."""
        rotated = dropped = 0
        for key in await self._keys():
            async with self._base.locked(keys.writer_lock(key)):
                blob = await self._call(self._redis.get(key))
                if blob is None:
                    continue
                try:
                    fresh = self._cipher.rotate(blob)
                except TokenUnreadable:
                    dropped += await self._drop(key)
                    continue
                rotated += await self._call(self._redis.eval(scripts.SWAP, 1, key, blob, fresh))
        return rotated, dropped

    async def sample(self, limit: int) -> tuple[int, int]:
        """(opened, unreadable) among up to `limit` sealed records: do the keys still open them?
        Nothing is changed (`rotate-keys` is what removes the unreadable)."""

        async def sample() -> list[bytes]:
            blobs: list[bytes] = []
            for pattern in keys.TOKEN_PATTERNS:
                async for key in self._redis.scan_iter(match=pattern, count=100):
                    if len(blobs) >= limit:
                        return blobs
                    blob = await self._redis.get(key)
                    blobs += [] if blob is None else [blob]
            return blobs

        blobs: list[bytes] = await self._call(sample())
        opened = sum(1 for blob in blobs if self._cipher.opens(blob))
        return opened, len(blobs) - opened

    async def _drop(self, key: str) -> int:
        """Delete a token record; a link's owner no longer counts as linked."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(key)
        if owner := keys.link_owner(key):
            pipe.srem(keys.linked_key(owner.provider), owner.key)
        deleted, *_ = await self._call(pipe.execute())
        return int(deleted)

    async def _keys(self) -> list[str]:
        """The key of every sealed record."""

        async def scan() -> list[str]:
            found: list[str] = []
            for pattern in keys.TOKEN_PATTERNS:
                async for key in self._redis.scan_iter(match=pattern, count=500):
                    found.append(text(key))
            return found

        found: list[str] = await self._call(scan())
        return found
