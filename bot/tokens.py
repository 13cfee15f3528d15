"""A user's access token for a platform, and what happens when the platform rejects it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.errors import NotLinked, ProviderUnauthorized, TokenUnreadable
from bot.models import Link, Owner
from bot.providers import Registry
from bot.shared import Shared
from bot.store import Store

T = TypeVar("T")


class Tokens(Shared):
    """Hands out live access tokens; an expired, unreadable or rejected link is removed."""

    def __init__(self, store: Store, registry: Registry) -> None:
        self._store = store
        self._registry = registry

    async def link(self, owner: Owner) -> Link | None:
        """The user's link, or None; a record no key can open counts as no link."""
        try:
            return await self._store.load_link(owner)
        except TokenUnreadable:
            await self._store.delete_link(owner)
            return None

    async def access_token(self, owner: Owner) -> str:
        name = self._registry.get(owner.provider).spec.display_name
        link = await self.link(owner)
        if link is None:
            raise NotLinked(owner.provider, f"Link your {name} account to continue.")
        if link.token.expired():
            await self._store.delete_link(owner)
            raise NotLinked(owner.provider, f"Your {name} link has expired. Link it again.")
        return link.token.access_token

    async def run(self, owner: Owner, call: Callable[[str], Awaitable[T]]) -> T:
        """Run `call` with the user's token; a 401 unlinks and asks the user to link again."""
        token = await self.access_token(owner)
        try:
            return await call(token)
        except ProviderUnauthorized as error:
            await self._store.delete_link(owner)
            name = self._registry.get(owner.provider).spec.display_name
            raise NotLinked(
                owner.provider, f"{name} no longer accepts your link. Link it again."
            ) from error
