"""One delivery attempt of an intent: reconcile first when an earlier POST may have landed."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.errors import KudosError, PartiallySent, ProviderUnavailable
from bot.models import Intent, Recognition, Sent
from bot.providers import Registry
from bot.shared import Shared
from bot.tokens import Tokens

log = logging.getLogger(__name__)
SaveIntent = Callable[[Intent], Awaitable[None]]
GIVE_UP_AFTER = 15 * 60.0  # seconds from Send: then the intent fails and the user may retry
CLOCK_SKEW = 120.0


class Deliverer(Shared):
    """Turns a pending intent into done or failed, or leaves it pending for a later attempt."""

    def __init__(self, registry: Registry, tokens: Tokens) -> None:
        self._registry = registry
        self._tokens = tokens

    async def attempt(self, intent: Intent, save: SaveIntent) -> Intent:
        """`save` is called before the POST, so a crash after it is known to need reconciling."""
        draft = intent.draft
        people = [recipient.person_id for recipient in draft.recipients]
        try:
            if intent.attempts > 0:
                landed, people = await self._reconcile(intent, people)
                if not people:
                    return intent.model_copy(update={"status": "done", "sent": landed})
            intent = intent.model_copy(update={"attempts": intent.attempts + 1})
            await save(intent)
            sent = await self._send(intent, people)
        except (ProviderUnavailable, PartiallySent) as error:
            return self._later(intent, error)
        except KudosError as error:
            return intent.model_copy(update={"status": "failed", "reason": error.user_message})
        return intent.model_copy(update={"status": "done", "sent": sent, "reason": None})

    async def _send(self, intent: Intent, people: list[str]) -> Sent:
        draft = intent.draft
        adapter = self._registry.get(draft.provider).adapter
        return await self._tokens.run(
            draft.owner, lambda token: adapter.send(token, people, draft.message, draft.value)
        )

    async def _reconcile(self, intent: Intent, people: list[str]) -> tuple[Sent | None, list[str]]:
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

    def _later(self, intent: Intent, error: KudosError) -> Intent:
        if time.time() - intent.queued_at > GIVE_UP_AFTER:
            return intent.model_copy(update={"status": "failed", "reason": error.user_message})
        return intent.model_copy(update={"reason": error.user_message})


def _is_this(item: Recognition, intent: Intent) -> bool:
    """Same text, and not older than the intent (when the platform says when)."""
    if item.message.strip() != intent.draft.message.strip():
        return False
    try:
        created = datetime.fromisoformat((item.created or "").replace("Z", "+00:00"))
    except ValueError:
        return True
    return created.timestamp() >= intent.created - CLOCK_SKEW
