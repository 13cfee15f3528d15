"""Before any retry of a POST that may have landed: read back what already arrived."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.models import Intent, Recognition, Sent
from bot.providers import Registry
from bot.shared import Shared
from bot.tokens import Tokens

log = logging.getLogger(__name__)
CLOCK_SKEW = 120.0


class Reconciler(Shared):
    """Tells which recipients of an intent already have it on the platform."""

    def __init__(self, registry: Registry, tokens: Tokens) -> None:
        self._registry = registry
        self._tokens = tokens

    async def landed(self, intent: Intent, people: list[str]) -> tuple[Sent | None, list[str]]:
        """What already arrived (read back from the sender's recent recognitions), what didn't."""
        draft = intent.draft
        link = await self._tokens.link(draft.owner)
        sender = link.account.id if link else ""
        adapter = self._registry.get(draft.provider).adapter
        page = await self._tokens.run(draft.owner, lambda t: adapter.recent(t, sender, None))
        landed = [item for item in page.items if _is_this(item, intent)]
        arrived = {person for item in landed for person in item.recipient_ids}
        missing = [person for person in people if person not in arrived]
        first = landed[0] if landed else None
        log.info(
            "reconciled an intent: %d of %d recipients already have it",
            len(people) - len(missing),
            len(people),
        )
        return (Sent(id=first.id, url=first.url) if first else None), missing


def _is_this(item: Recognition, intent: Intent) -> bool:
    """Same text, and not older than the intent (when the platform says when)."""
    if item.message.strip() != intent.draft.message.strip():
        return False
    try:
        created = datetime.fromisoformat((item.created or "").replace("Z", "+00:00"))
    except ValueError:
        return True
    return created.timestamp() >= intent.created - CLOCK_SKEW
