"""Platform directories (e-mail → person), for platforms that find people only by listing them
all (`store.directories`)."""

from __future__ import annotations

import time

from bot.models import Person
from bot.store import keys
from bot.store.base import Aggregate


class Directories(Aggregate):
    """One hash per platform: e-mail (casefolded) → person, and "" → when it was built."""

    async def get(self, provider: str, email: str) -> tuple[float | None, Person | None]:
        """When the directory was built (None: never) and the person with that e-mail: O(1)."""
        key = keys.directory_key(provider)
        built, raw = await self._call(self._redis.hmget(key, ["", email.casefold() or " "]))
        person = None if raw is None else Person.model_validate_json(raw)
        return (None if built is None else float(built)), person

    async def built_at(self, provider: str) -> float | None:
        built = await self._call(self._redis.hget(keys.directory_key(provider), ""))
        return None if built is None else float(built)

    async def replace(self, provider: str, people: list[Person]) -> None:
        """Swap in a whole new directory at once: readers see the old one or the new one."""
        key = keys.directory_key(provider)
        staging = keys.staging_key(key)
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
