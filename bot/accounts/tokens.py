"""Live access tokens: refreshed single-flight before expiry, replayed once after a 401."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from bot.accounts import oauth
from bot.errors import (
    ClientRefused,
    GrantRevoked,
    NotLinked,
    ProviderUnauthorized,
    ProviderUnavailable,
    TokenUnreadable,
)
from bot.models import Link, Owner, TokenSet
from bot.platforms.registry import Platform, Registry
from bot.runtime.shared import Shared
from bot.store import Store, keys
from bot.telemetry import metrics

T = TypeVar("T")
log = logging.getLogger(__name__)


class Tokens(Shared):
    """Hands out tokens; an expired, unreadable or rejected link is removed, never reused."""

    def __init__(self, store: Store, registry: Registry, http: httpx.AsyncClient) -> None:
        self._store = store
        self._registry = registry
        self._http = http

    async def link(self, owner: Owner) -> Link | None:
        """The user's link, or None; a record no key can open counts as no link."""
        try:
            return await self._store.links.load(owner)
        except TokenUnreadable:
            await self._store.links.delete(owner)
            return None

    async def require(self, owner: Owner) -> None:
        """NotLinked unless the owner has a usable token (renewed now if it is due)."""
        await self._token(owner, self._registry.get(owner.provider))

    async def run(self, owner: Owner, call: Callable[[str], Awaitable[T]]) -> T:
        """Run `call` with a live token; after a 401, refresh once and replay once."""
        platform = self._registry.get(owner.provider)
        token = await self._token(owner, platform)
        try:
            return await call(token)
        except ProviderUnauthorized:
            token = await self._token(owner, platform, rejected=token)
        try:
            return await call(token)
        except ProviderUnauthorized as error:
            return await self._give_up(owner, platform, error)

    async def _token(self, owner: Owner, platform: Platform, rejected: str | None = None) -> str:
        """A token to use now; `rejected` is one the platform just answered 401 to."""
        if not platform.spec.per_user:
            return await self._app_token(platform, rejected)
        name = platform.spec.display_name
        link = await self.link(owner)
        if link is None or not link.confirmed:
            raise NotLinked(owner.provider, "link_missing", name=name)
        token = link.token
        if rejected is not None and token.access_token != rejected:
            return token.access_token  # another request refreshed it meanwhile
        if rejected is None and not token.expired(platform.spec.refresh_margin):
            return token.access_token
        if token.refresh_token:
            return await self._renewed(owner, platform, token, early=rejected is None)
        if rejected is None and not token.expired():
            return token.access_token  # nothing to renew it with, but still valid
        await self._store.links.delete(owner)
        raise NotLinked(owner.provider, "link_refused" if rejected else "link_expired", name=name)

    async def _renewed(self, owner: Owner, platform: Platform, token: TokenSet, early: bool) -> str:
        """A refreshed access token; a refresh ahead of expiry that finds the platform away
        leaves the current, still valid, token in use (the next call tries again)."""
        try:
            return (await self._refresh(owner, platform, token.access_token)).token.access_token
        except ProviderUnavailable:
            if early and not token.expired():
                log.info("early refresh on %s failed; the current token serves", owner.provider)
                return token.access_token
            raise

    async def _refresh(self, owner: Owner, platform: Platform, stale: str) -> Link:
        """One refresh per (user, platform) at a time, across every process."""
        async with self._store.locked(keys.link_lock(owner)):
            loaded = await self._store.links.load_version(owner)
            if loaded is None:
                raise NotLinked(owner.provider, "link_gone")
            blob, current = loaded
            if current.token.access_token != stale or current.token.refresh_token is None:
                return current  # refreshed by someone else while we waited
            try:
                with metrics.token_refresh(owner.provider):
                    fresh = await oauth.refresh(
                        self._http, platform.spec, platform.client, current.token.refresh_token
                    )
            except GrantRevoked:
                await self._store.links.delete(owner)
                raise
            kept = fresh.refresh_token or current.token.refresh_token
            updated = current.model_copy(
                update={"token": fresh.model_copy(update={"refresh_token": kept})}
            )
            await self._write_back(owner, blob, current, updated)
            return updated

    async def _write_back(self, owner: Owner, blob: bytes, current: Link, updated: Link) -> None:
        """Compare-and-set the refreshed link. A record that changed only by being re-encrypted
        (rotate-keys) still holds the spent refresh token: it is replaced all the same. One
        that is gone (unlinked) or different (relinked) is left alone."""
        for _ in range(3):
            if await self._store.links.swap(owner, blob, updated):
                return
            loaded = await self._store.links.load_version(owner)
            if loaded is None or loaded[1] != current:
                log.info("link changed during refresh; the new tokens serve this call only")
                return
            blob = loaded[0]
        log.warning("could not store a refreshed link for %s", owner.provider)

    async def _app_token(self, platform: Platform, rejected: str | None) -> str:
        """The platform's app-level token, minted single-flight and re-minted before expiry."""
        spec = platform.spec
        if found := _usable(await self._stored_app_token(spec.name), rejected, spec.refresh_margin):
            return found
        async with self._store.locked(keys.app_token_lock(spec.name)):
            current = await self._stored_app_token(spec.name)
            if found := _usable(current, rejected, spec.refresh_margin):
                return found  # another request minted it while we waited
            try:
                with metrics.token_refresh(spec.name):
                    fresh = await oauth.client_credentials(self._http, spec, platform.client)
            except ProviderUnavailable:
                if found := _usable(current, rejected, margin=0.0):
                    log.info("early re-mint on %s failed; the current token serves", spec.name)
                    return found
                raise
            await self._store.links.save_app_token(spec.name, fresh)
            return fresh.access_token

    async def _stored_app_token(self, provider: str) -> TokenSet | None:
        """The stored app-level token; one no key opens (keys rotated) is dropped and re-minted."""
        try:
            return await self._store.links.load_app_token(provider)
        except TokenUnreadable:
            await self._store.links.delete_app_token(provider)
            return None

    async def _give_up(self, owner: Owner, platform: Platform, error: Exception) -> T:
        name = platform.spec.display_name
        if not platform.spec.per_user:
            raise ClientRefused("app_refused", None, name=name) from error
        await self._store.links.delete(owner)
        raise NotLinked(owner.provider, "link_rejected", name=name) from error


def _usable(token: TokenSet | None, rejected: str | None, margin: float) -> str | None:
    """The token's access token, unless it was just rejected or expires within `margin`."""
    if token is None or token.access_token == rejected or token.expired(margin):
        return None
    return token.access_token
