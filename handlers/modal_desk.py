"""The recognition modal's per-user toolbox: identity from the signed request, the services,
and the ways to tell the user something once the modal can't (DMs)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.accounts.linking import Linker
from bot.accounts.tokens import Tokens
from bot.errors import NotLinked
from bot.models import Actor, Owner, Resume
from bot.platforms.registry import Registry
from bot.platforms.spec import ProviderSpec
from bot.recognition.drafts import Recognitions
from bot.recognition.outbox import Outbox
from bot.runtime.shared import Shared
from handlers import blocks, kit
from handlers import modal_blocks as mb
from handlers.errors import direct_message
from handlers.inject import declaring
from handlers.words import said

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


@dataclass(frozen=True)
class Desks(Shared):
    """The services the modal uses, built once (bot/app.py) and named `desks` to listeners."""

    registry: Registry
    tokens: Tokens
    linker: Linker
    recognitions: Recognitions
    outbox: Outbox

    def of(self, actor: Actor, client: AsyncWebClient, provider: str = "") -> Desk:
        """The actor's desk on the platform named (the default when none is)."""
        spec = self.registry.get(provider or None).spec
        tools = (self.registry, self.tokens, self.linker, self.recognitions, self.outbox)
        return Desk(client, actor.owner(spec.name), spec, *tools)


async def _told_by_dm(given: dict[str, Any], run: Callable[[], Awaitable[None]]) -> None:
    try:
        await run()
    except Exception as error:
        log.info("modal not opened: %s", type(error).__name__)
        client: AsyncWebClient = given["client"]
        actor: Actor = given["actor"]
        await direct_message(client, actor.user_id, f":warning: {said(error)}")


tells_by_dm = declaring(("client", "actor"), _told_by_dm)
"""Lazy openers have no response_url: whatever fails reaches the user by DM."""
