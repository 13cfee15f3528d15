"""Recognition previews, kept an hour for their owner's Send (`store.drafts`)."""

from __future__ import annotations

from bot.intents import Draft
from bot.store import keys, scripts
from bot.store.base import Aggregate


class Drafts(Aggregate):
    """A draft's key names its owner: a user can only ever reach their own drafts."""

    async def put(self, draft: Draft) -> None:
        """Keep the preview, unless the app was uninstalled from its workspace meanwhile."""
        names = (
            keys.uninstalled_key(draft.team_id),
            keys.draft_key(draft.team_id, draft.user_id, draft.id),
        )
        script = scripts.SET_UNLESS_UNINSTALLED
        await self._call(
            self._redis.eval(script, 2, *names, draft.model_dump_json(), keys.DRAFT_TTL)
        )

    async def get(self, team_id: str, user_id: str, draft_id: str) -> Draft | None:
        raw = await self._call(self._get(keys.draft_key(team_id, user_id, draft_id)))
        return None if raw is None else Draft.model_validate_json(raw)

    async def take(self, team_id: str, user_id: str, draft_id: str) -> Draft | None:
        """Claim a draft once, atomically: of two concurrent Sends only one gets it."""
        raw = await self._base.take(keys.draft_key(team_id, user_id, draft_id))
        return None if raw is None else Draft.model_validate_json(raw)
