"""Before any retry of a POST that may have landed: read back what already arrived."""

from __future__ import annotations

import html
import logging
import re
import unicodedata

from bot.accounts.tokens import Tokens
from bot.intents import Intent
from bot.models import Recognition, Sent
from bot.platforms.registry import Registry
from bot.platforms.spec import dated_since
from bot.runtime.shared import Shared
from bot.telemetry import metrics

log = logging.getLogger(__name__)
CLOCK_SKEW = 120.0  # the platform's clock may run this far behind ours
SPACES = re.compile(r"\s+")


class Reconciler(Shared):
    """Tells which recipients of an intent already have it on the platform."""

    def __init__(self, registry: Registry, tokens: Tokens) -> None:
        self._registry = registry
        self._tokens = tokens

    async def landed(self, intent: Intent, people: list[str]) -> tuple[Sent | None, list[str]]:
        """What already arrived (read back from what the sender gave since the intent), and
        who is still missing it."""
        draft = intent.draft
        link = await self._tokens.link(draft.owner)
        sender = link.account.id if link else ""
        adapter = self._registry.get(draft.provider).adapter
        since = intent.created - CLOCK_SKEW
        given = await self._tokens.run(draft.owner, lambda t: adapter.given(t, sender, since))
        landed = [item for item in given if is_this(item, intent, sender)]
        arrived = {person for item in landed for person in item.recipient_ids}
        missing = [person for person in people if person not in arrived]
        first = landed[0] if landed else None
        metrics.reconciled(draft.provider, len(people), len(missing))
        log.info(
            "reconciled an intent: %d of %d recipients already have it (%d read back)",
            len(people) - len(missing),
            len(people),
            len(given),
        )
        return (Sent(id=first.id, url=first.url) if first else None), missing


def is_this(item: Recognition, intent: Intent, sender: str) -> bool:
    """From the sender, dated within the intent's window, with the same text (as platforms
    store it: spacing and HTML entities may differ). An undated item never counts."""
    return (
        bool(sender)
        and item.giver_id == sender
        and dated_since(item, intent.created - CLOCK_SKEW)
        and same_text(item.message, intent.draft.message)
    )


def same_text(stored: str, sent: str) -> bool:
    return _normal(stored) == _normal(sent)


def _normal(message: str) -> str:
    unescaped = html.unescape(html.unescape(message))  # some platforms escape twice
    return SPACES.sub(" ", unicodedata.normalize("NFKC", unescaped)).strip()
