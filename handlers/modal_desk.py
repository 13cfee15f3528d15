"""The recognition modal's per-user toolbox: identity from the signed request, the services,
and the ways to tell the user something once the modal can't (DMs)."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.accounts.linking import Linker
from bot.accounts.tokens import Tokens
from bot.errors import NotLinked
from bot.models import Owner, Resume
from bot.platforms.registry import Registry
from bot.platforms.spec import ProviderSpec
from bot.recognition.drafts import Recognitions
from bot.recognition.outbox import Outbox
from handlers import blocks, kit
from handlers import modal_blocks as mb
from handlers.errors import LazyListener, direct_message
from handlers.words import said
from handlers.workspace import owner_of

log = logging.getLogger(__name__)
FORM = Resume(kind="form")  # once linked, the user gets a button that opens the form again


@dataclass(frozen=True)
class Desk:
    """One user's modal: who (from the signed request only), on which platform, and the tools."""

    client: AsyncWebClient
    owner: Owner
    spec: ProviderSpec
    registry: Registry
    tokens: Tokens
    linker: Linker
    recognitions: Recognitions
    outbox: Outbox

    @classmethod
    def of(cls, context: AsyncBoltContext, client: AsyncWebClient, provider: str = "") -> Desk:
        registry: Registry = context["registry"]
        spec = registry.get(provider or None).spec
        owner = owner_of(context, spec.name)
        names = ("tokens", "linker", "recognitions", "outbox")
        tools = (context[name] for name in names)
        return cls(client, owner, spec, registry, *tools)

    async def link_view(
        self, origin: mb.Origin, reason: str, resume: Resume = FORM
    ) -> dict[str, Any]:
        url = await self.linker.start(self.owner, resume=resume)
        return mb.link_view(url, self.spec, reason, origin)

    async def dm(self, text: str, shown: list[kit.Block] | None = None) -> None:
        await direct_message(self.client, self.owner.user_id, text, shown)

    async def tell_failure(self, error: Exception, prefix: str = "", resume: Resume = FORM) -> bool:
        """A failure after the ack, by DM; a missing link comes with a link button that goes on
        with `resume`. True when that button went out."""
        try:
            if isinstance(error, NotLinked):
                url = await self.linker.start(self.owner, resume=resume)
                reason = f"{prefix}{said(error)}"
                await self.dm(reason, blocks.link_prompt(url, self.spec, reason))
                return True
        except Exception as second:  # e.g. Redis away while making the link button
            error = second
        await self.dm(f":warning: {prefix}{said(error)}")
        return False


def tells_by_dm(listener: LazyListener) -> LazyListener:
    """Lazy openers have no response_url: whatever fails reaches the user by DM."""

    @functools.wraps(listener)
    async def wrapper(**kwargs: Any) -> None:
        try:
            await listener(**kwargs)
        except Exception as error:
            log.info("modal not opened: %s", type(error).__name__)
            client: AsyncWebClient = kwargs["client"]
            user_id = kwargs["context"].user_id or ""
            await direct_message(client, user_id, f":warning: {said(error)}")

    return wrapper
