"""Cached lookups that would otherwise cost platform calls on every preview: who a Slack user
is on a platform, and the values a user can recognise with (`store.cache`)."""

from __future__ import annotations

from pydantic import TypeAdapter

from bot.intents import Recipient
from bot.models import Owner, Value
from bot.store import keys
from bot.store.base import Aggregate

VALUES = TypeAdapter(list[Value])


class Cache(Aggregate):
    """Expiring copies of platform answers; a platform miss or a failed delivery drops them."""

    async def lookups(
        self, owner: Owner, slack_ids: list[str]
    ) -> tuple[list[Value] | None, dict[str, Recipient]]:
        """The owner's values (None: not cached) and the recipients known, in one round trip."""
        names = [keys.values_key(owner)]
        names += [keys.recipient_key(owner.team_id, owner.provider, s) for s in slack_ids]
        raw = await self._call(self._redis.mget(names))
        values = None if raw[0] is None else VALUES.validate_json(raw[0])
        known = {
            slack_id: Recipient.model_validate_json(found)
            for slack_id, found in zip(slack_ids, raw[1:], strict=True)
            if found is not None
        }
        return values, known

    async def put_values(self, owner: Owner, values: list[Value]) -> None:
        await self._base.set(keys.values_key(owner), VALUES.dump_json(values), keys.VALUES_TTL)

    async def put_recipient(self, team_id: str, provider: str, recipient: Recipient) -> None:
        key = keys.recipient_key(team_id, provider, recipient.slack_id)
        await self._base.set(key, recipient.model_dump_json(), keys.RECIPIENT_TTL)

    async def forget_recipients(self, team_id: str, provider: str, slack_ids: list[str]) -> None:
        if slack_ids:
            names = [keys.recipient_key(team_id, provider, s) for s in slack_ids]
            await self._call(self._redis.delete(*names))

    async def forget_values(self, owner: Owner) -> None:
        await self._call(self._redis.delete(keys.values_key(owner)))
