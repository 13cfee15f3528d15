"""What Slack already sent once: Events API deliveries and reactions (`store.events`)."""

from __future__ import annotations

from bot.store import keys
from bot.store.base import Aggregate


class Events(Aggregate):
    """Marks set if absent, which expire: the first one to set a mark acts, the rest don't."""

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
