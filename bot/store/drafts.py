"""Recognition previews, Events API de-duplication, and platform directories."""

from __future__ import annotations

import time

from bot.models import Draft, Person
from bot.store import keys, scripts
from bot.store.base import RedisBase


class Drafts(RedisBase):
    """Short-lived records: previews, seen events, directories (e-mail → person)."""

    async def first_delivery(self, event_id: str) -> bool:
        """True the first time an Events API `event_id` is seen (remembered 15 minutes)."""
        key = keys.event_key(event_id)
        return bool(await self._call(self._redis.set(key, "1", nx=True, ex=keys.EVENT_TTL)))

    async def first_reaction(self, team_id: str, user_id: str, channel_id: str, ts: str) -> bool:
        """True the first time this person reacts to start a recognition of this message."""
        key = keys.reaction_key(team_id, user_id, channel_id, ts)
        return bool(await self._call(self._redis.set(key, "1", nx=True, ex=keys.REACTION_TTL)))

    async def forget_reaction(self, team_id: str, user_id: str, channel_id: str, ts: str) -> None:
        """The reaction started nothing after all (Slack didn't show the message): the next one
        tries again."""
        await self._call(self._redis.delete(keys.reaction_key(team_id, user_id, channel_id, ts)))

    async def put_draft(self, draft: Draft) -> None:
        """Keep the preview, unless the app was uninstalled from its workspace meanwhile."""
        names = (
            keys.uninstalled_key(draft.team_id),
            keys.draft_key(draft.team_id, draft.user_id, draft.id),
        )
        script = scripts.SET_UNLESS_UNINSTALLED
        await self._call(
            self._redis.eval(script, 2, *names, draft.model_dump_json(), keys.DRAFT_TTL)
        )

    async def get_draft(self, team_id: str, user_id: str, draft_id: str) -> Draft | None:
        raw = await self._call(self._redis.get(keys.draft_key(team_id, user_id, draft_id)))
        return None if raw is None else Draft.model_validate_json(raw)

    async def take_draft(self, team_id: str, user_id: str, draft_id: str) -> Draft | None:
        """Claim a draft once, atomically: of two concurrent Sends only one gets it."""
        raw = await self._take(keys.draft_key(team_id, user_id, draft_id))
        return None if raw is None else Draft.model_validate_json(raw)

    async def directory_get(self, provider: str, email: str) -> tuple[float | None, Person | None]:
        """When the directory was built (None: never) and the person with that e-mail: O(1)."""
        key = keys.directory_key(provider)
        built, raw = await self._call(self._redis.hmget(key, ["", email.casefold() or " "]))
        person = None if raw is None else Person.model_validate_json(raw)
        return (None if built is None else float(built)), person

    async def directory_built_at(self, provider: str) -> float | None:
        built = await self._call(self._redis.hget(keys.directory_key(provider), ""))
        return None if built is None else float(built)

    async def directory_replace(self, provider: str, people: list[Person]) -> None:
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
