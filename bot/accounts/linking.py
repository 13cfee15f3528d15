"""Linking a Slack user to a platform account: start, callback, confirmation, unlink."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx

from bot.accounts import oauth
from bot.accounts.link_failures import (
    EXPIRED,
    NO_LINK_WAITING,
    REMOVED,
    not_the_same_person,
    refusal,
    unavailable,
)
from bot.errors import InvalidInput, KudosError, OAuthFailure, ProviderUnavailable
from bot.models import Link, Owner, PendingLink, Person, Resume, TokenSet
from bot.platforms.registry import Platform, Registry
from bot.runtime.shared import Shared
from bot.slack.people import SlackPeople
from bot.store import Store

log = logging.getLogger(__name__)
Installed = Callable[[str], Awaitable[bool]]  # is the app installed in this workspace (or org)?


class RedirectSettings(Protocol):
    """What linking reads of the settings: where each platform sends the person back."""

    def redirect_uri(self, provider: str) -> str: ...


@dataclass(frozen=True)
class LinkResult:
    """How the callback ended, for the page and the Slack message to the user: `failure` says
    why nothing was linked (handlers/words.py words it)."""

    ok: bool
    failure: KudosError | None = None
    pending: PendingLink | None = None
    account: Person | None = None
    needs_confirmation: bool = False
    retry: bool = False  # the platform was away: offer the link button again


class Linker(Shared):
    """Runs the authorization-code flow for one Slack user and one platform."""

    def __init__(
        self,
        settings: RedirectSettings,
        store: Store,
        registry: Registry,
        http: httpx.AsyncClient,
        people: SlackPeople,
    ) -> None:
        self._settings = settings
        self._store = store
        self._registry = registry
        self._http = http
        self._people = people

    async def start(
        self, owner: Owner, response_url: str | None = None, resume: Resume | None = None
    ) -> str:
        """A fresh authorize URL; its `state` is bound to this owner for 10 minutes, with what
        to answer (`resume`, where: `response_url`) once the link is made."""
        platform = self._registry.get(owner.provider)
        if not platform.spec.per_user:
            raise InvalidInput(
                f"{platform.spec.display_name} needs no personal link: "
                "the app reads it with its own credentials."
            )
        state = oauth.new_state()
        verifier = oauth.new_code_verifier() if platform.spec.pkce else None
        pending = PendingLink(
            team_id=owner.team_id,
            user_id=owner.user_id,
            provider=owner.provider,
            response_url=response_url,
            code_verifier=verifier,
            resume=resume,
        )
        await self._store.links.put_state(state, pending)
        redirect = self._settings.redirect_uri(owner.provider)
        return oauth.authorize_url(platform.spec, platform.client, redirect, state, verifier)

    async def complete(
        self, provider: str, query: Mapping[str, str], installed: Installed | None = None
    ) -> LinkResult:
        """Handle the platform's redirect back; every outcome is a result, never an exception.
        With several workspaces, `installed` says whether the app is still in the state's one."""
        pending: PendingLink | None = None
        try:
            pending = await self._claim(provider, query.get("state", ""))
            if installed is not None and not await installed(pending.team_id):
                raise REMOVED  # before any code is exchanged: no token for a workspace that left
            return await self._finish(pending, query)
        except ProviderUnavailable:  # away or busy (5xx, timeout, unreachable): not a refusal
            away = unavailable(self._registry.get(provider).spec.display_name)
            return LinkResult(False, away, pending=pending, retry=True)
        except KudosError as failure:
            return LinkResult(False, failure, pending=pending)
        except Exception as error:  # a bug: still a page the person understands, and a log line
            log.error("the %s callback failed unexpectedly", provider, exc_info=error)
            return LinkResult(False, KudosError(), pending=pending)

    async def _claim(self, provider: str, state: str) -> PendingLink:
        """Consume the state once; it must have been issued for this platform's callback."""
        pending = await self._store.links.take_state(state) if state else None
        if pending is None:
            raise EXPIRED
        if pending.provider != provider:  # mix-up defence: before any code is sent anywhere
            log.warning("state issued for %s presented at %s callback", pending.provider, provider)
            raise EXPIRED
        return pending

    async def _finish(self, pending: PendingLink, query: Mapping[str, str]) -> LinkResult:
        platform = self._registry.get(pending.provider)
        name = platform.spec.display_name
        if query.get("error"):
            raise refusal(query["error"], name)
        code = query.get("code")
        if not code:
            raise OAuthFailure("no_code", name=name)
        token = await oauth.exchange_code(
            self._http,
            platform.spec,
            platform.client,
            code,
            self._settings.redirect_uri(pending.provider),
            pending.code_verifier,
        )
        account = await self._account(platform, token.access_token)
        if account.email is None:
            return await self._hold_for_confirmation(pending, account, token)
        profile = await self._people.profile_in(pending.team_id, pending.user_id)
        if mismatch := not_the_same_person(profile, account, name):
            raise mismatch
        await self._store.links.save(pending.owner, Link(account=account, token=token))
        log.info("linked %s for a user of team %s", pending.provider, pending.team_id)
        return LinkResult(True, pending=pending, account=account)

    async def _hold_for_confirmation(
        self, pending: PendingLink, account: Person, token: TokenSet
    ) -> LinkResult:
        """No e-mail to compare: keep the link inactive until the user confirms it in Slack."""
        waiting = pending.model_copy(update={"code_verifier": None})  # continued on confirm
        link = Link(account=account, token=token, confirmed=False, waiting=waiting)
        await self._store.links.save(pending.owner, link)
        return LinkResult(True, pending=pending, account=account, needs_confirmation=True)

    async def _account(self, platform: Platform, access_token: str) -> Person:
        try:
            return await platform.adapter.whoami(access_token)
        except ProviderUnavailable:
            raise
        except KudosError as error:
            log.warning("whoami on %s failed: %s", platform.spec.name, type(error).__name__)
            raise OAuthFailure("account_unreadable", name=platform.spec.display_name) from error

    async def confirm(self, owner: Owner) -> tuple[Link, PendingLink | None]:
        """The user says the account shown is theirs: the link becomes active, and what waited
        for it is handed back once (to a second or concurrent click: None)."""
        loaded = await self._store.links.load_version(owner)
        if loaded is None:
            raise NO_LINK_WAITING
        stored, link = loaded
        if link.confirmed:
            return link, None
        active = link.model_copy(update={"confirmed": True, "waiting": None})
        if not await self._store.links.swap(owner, stored, active):  # another click came first
            again = await self._store.links.load(owner)
            if again is None or not again.confirmed:
                raise NO_LINK_WAITING
            return again, None
        await self._store.links.save(owner, active)  # kept for good now, and counted as linked
        return active, link.waiting

    async def unlink(self, owner: Owner) -> bool:
        return await self._store.links.delete(owner)
