"""One delivery attempt of an intent: reconcile first when an earlier POST may have landed."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from bot.errors import KudosError, PartiallySent, ProviderUnavailable
from bot.models import Intent, Sent
from bot.providers import Registry
from bot.reconcile import Reconciler
from bot.shared import Shared
from bot.tokens import Tokens

SaveIntent = Callable[[Intent], Awaitable[None]]
GIVE_UP_AFTER = 15 * 60.0  # seconds from Send: then the intent fails and the user may retry


class Deliverer(Shared):
    """Turns a pending intent into done or failed, or leaves it pending for a later attempt."""

    def __init__(self, registry: Registry, tokens: Tokens) -> None:
        self._registry = registry
        self._tokens = tokens
        self._reconciler = Reconciler(registry, tokens)

    async def attempt(self, intent: Intent, save: SaveIntent) -> Intent:
        """`save` is called before the POST, so a crash after it is known to need reconciling."""
        draft = intent.draft
        people = [recipient.person_id for recipient in draft.recipients]
        try:
            if intent.attempts > 0:
                landed, people = await self._reconciler.landed(intent, people)
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

    def _later(self, intent: Intent, error: KudosError) -> Intent:
        if time.time() - intent.queued_at > GIVE_UP_AFTER:
            return intent.model_copy(update={"status": "failed", "reason": error.user_message})
        return intent.model_copy(update={"reason": error.user_message})
