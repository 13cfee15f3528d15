"""Linking a Slack user to a platform account: start, callback, status, unlink."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from bot import oauth
from bot.errors import KudosError, OAuthFailure
from bot.models import Link, Owner, PendingLink, Person
from bot.notify import Notifier
from bot.providers import Platform, Registry
from bot.settings import Settings
from bot.shared import Shared
from bot.slack_people import SlackPeople
from bot.store import Store

log = logging.getLogger(__name__)

EXPIRED = OAuthFailure(
    "This link has expired",
    "The link was already used or is more than 10 minutes old. "
    "Run /kudos link in Slack to get a fresh one.",
)


@dataclass(frozen=True)
class LinkResult:
    """What the callback page shows."""

    title: str
    message: str
    ok: bool


class Linker(Shared):
    """Runs the authorization-code flow for one Slack user and one platform."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        registry: Registry,
        http: httpx.AsyncClient,
        people: SlackPeople,
        notifier: Notifier,
    ) -> None:
        self._settings = settings
        self._store = store
        self._registry = registry
        self._http = http
        self._people = people
        self._notifier = notifier

    async def start(self, owner: Owner, response_url: str | None = None) -> str:
        """A fresh authorize URL; its `state` is bound to this owner for 10 minutes."""
        platform = self._registry.get(owner.provider)
        state = oauth.new_state()
        verifier = oauth.new_code_verifier() if platform.spec.pkce else None
        pending = PendingLink(
            team_id=owner.team_id,
            user_id=owner.user_id,
            provider=owner.provider,
            response_url=response_url,
            code_verifier=verifier,
        )
        await self._store.put_state(state, pending)
        redirect = self._settings.redirect_uri(owner.provider)
        return oauth.authorize_url(platform.spec, platform.client, redirect, state, verifier)

    async def complete(self, provider: str, query: Mapping[str, str]) -> LinkResult:
        """Handle the platform's redirect back; every outcome is a page, never an exception."""
        pending: PendingLink | None = None
        try:
            pending = await self._claim(provider, query.get("state", ""))
            account = await self._finish(pending, query)
        except KudosError as failure:
            title = failure.title if isinstance(failure, OAuthFailure) else "Nothing was linked"
            if pending is not None:
                await self._notifier.tell(
                    pending.user_id,
                    f"Linking didn't work: {failure.user_message}",
                    pending.response_url,
                )
            return LinkResult(title, failure.user_message, ok=False)
        name = self._registry.get(provider).spec.display_name
        text = f"You're linked to {name} as {account.name} ({account.email})."
        await self._notifier.tell(
            pending.user_id, f":white_check_mark: {text}", pending.response_url
        )
        return LinkResult("You're linked", f"{text} You can close this tab.", ok=True)

    async def _claim(self, provider: str, state: str) -> PendingLink:
        """Consume the state once; it must have been issued for this platform's callback."""
        pending = await self._store.take_state(state) if state else None
        if pending is None:
            raise EXPIRED
        if pending.provider != provider:
            log.warning("state issued for %s presented at %s callback", pending.provider, provider)
            raise EXPIRED
        return pending

    async def _finish(self, pending: PendingLink, query: Mapping[str, str]) -> Person:
        platform = self._registry.get(pending.provider)
        name = platform.spec.display_name
        if query.get("error"):
            raise OAuthFailure(
                "Nothing was linked", f"The {name} sign-in was cancelled, so nothing was linked."
            )
        code = query.get("code")
        if not code:
            raise OAuthFailure("Nothing was linked", f"{name} did not send a sign-in code.")
        token = await oauth.exchange_code(
            self._http,
            platform.spec,
            platform.client,
            code,
            self._settings.redirect_uri(pending.provider),
            pending.code_verifier,
        )
        account = await self._account(platform, token.access_token)
        await self._check_same_person(pending, account, name)
        await self._store.save_link(pending.owner, Link(account=account, token=token))
        log.info("linked %s for a user of team %s", pending.provider, pending.team_id)
        return account

    async def _account(self, platform: Platform, access_token: str) -> Person:
        try:
            return await platform.adapter.whoami(access_token)
        except KudosError as error:
            log.warning("whoami on %s failed: %s", platform.spec.name, type(error).__name__)
            raise OAuthFailure(
                "Nothing was linked",
                f"We couldn't read your {platform.spec.display_name} account. Please try again.",
            ) from error

    async def _check_same_person(self, pending: PendingLink, account: Person, name: str) -> None:
        """The platform account's e-mail must equal the Slack profile's (case-insensitive)."""
        profile = await self._people.profile(pending.user_id)
        slack_email = (profile.email if profile else None) or ""
        if not account.email or account.email.casefold() != slack_email.casefold():
            raise OAuthFailure(
                "Those accounts don't match",
                f"The {name} account you signed in with does not use the same e-mail address "
                "as your Slack profile, so nothing was linked. Sign in to your own account.",
            )

    async def unlink(self, owner: Owner) -> bool:
        return await self._store.delete_link(owner)
