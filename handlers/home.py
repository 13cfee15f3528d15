"""App Home: the tab published on `app_home_opened`, its Link / Unlink buttons, and Confirm /
Reject of a pending link (on the tab, or in the DM that asked).

Identity always comes from the signed request (the `actor`); a button's value only names the
platform. Home has no response_url, so the outcome of a button (or the reason it failed) is
shown as a notice at the top of the republished tab."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.accounts.linking import Linker
from bot.accounts.tokens import Tokens
from bot.errors import KudosError, NotLinked
from bot.models import Actor, Owner, PendingLink, Recognition
from bot.platforms.paging import NextPage
from bot.platforms.registry import Registry
from bot.recognition.lookups import Lookups
from bot.runtime.shared import Shared
from handlers import home_blocks, kit
from handlers.actions import ack_only, owner_for
from handlers.errors import reply
from handlers.home_blocks import MAX_RECENT, PlatformRow, Received, Shown
from handlers.kit import escape
from handlers.resume import AfterLink
from handlers.words import said

log = logging.getLogger(__name__)
RECEIVED_PAGES = 4  # of the platform's pages read for Home's "received", at most
REFUSED_VIEW = ("invalid_arguments", "invalid_blocks", "invalid_blocks_format")


Change = Callable[[], Awaitable[Shown]]
Confirmed = tuple[PendingLink, str]  # a link confirmed in Slack: what waited for it, and "linked"


@dataclass(frozen=True)
class Home(Shared):
    """Renders and publishes a user's Home tab; built once (bot/app.py), named `home`."""

    client: AsyncWebClient
    registry: Registry
    tokens: Tokens
    lookups: Lookups
    linker: Linker

    async def show(self, actor: Actor, change: Change | None = None) -> None:
        """Apply `change` (its failure becomes the notice), then publish; never raises."""
        await self.publish(actor, await applied(change))

    async def publish(self, actor: Actor, shown: Shown) -> None:
        """Publish the tab; a tab Slack refuses becomes a short one saying so. Never raises."""
        user_id = actor.user_id
        try:
            rows = await self.rows(actor, shown.sign_in)
            view = home_blocks.home_view(rows, await self.received(actor), shown.notice)
            await self.client.views_publish(user_id=user_id, view=view)
        except SlackApiError as error:
            log.warning("views.publish failed: %s", error.response.get("error"))
            if error.response.get("error") in REFUSED_VIEW:
                with suppress(Exception):  # nothing else to try
                    await self.client.views_publish(user_id=user_id, view=home_blocks.plain_view())
        except Exception as error:  # e.g. Redis or Slack unreachable: Home stays as it was
            log.warning("could not publish Home: %s", type(error).__name__)

    async def rows(self, actor: Actor, sign_in: tuple[str, str] | None) -> list[PlatformRow]:
        rows = []
        for name in self.registry.names():
            spec = self.registry.get(name).spec
            link = await self.tokens.link(actor.owner(name)) if spec.per_user else None
            url = sign_in[1] if sign_in is not None and sign_in[0] == name else None
            rows.append(PlatformRow(spec, link, url))
        return rows

    async def received(self, actor: Actor) -> Received:
        """Recent recognitions received on the default platform, or why there are none."""
        if not self.registry.names():
            return Received(None, problem="No recognition platform is set up yet.")
        spec = self.registry.get().spec
        try:
            items = await self.received_items(actor.owner(spec.name))
        except NotLinked:
            problem = f"Link your {spec.display_name} account to see the recognitions you receive."
            return Received(spec.display_name, problem=problem)
        except KudosError as error:
            return Received(spec.display_name, problem=said(error))
        return Received(spec.display_name, items)

    async def received_items(self, owner: Owner) -> list[Recognition]:
        """The latest MAX_RECENT received, from up to RECEIVED_PAGES of the platform's pages
        (they hold given ones too)."""
        items: list[Recognition] = []
        at: NextPage | None = None
        for _ in range(RECEIVED_PAGES):
            person, page = await self.lookups.recent(owner, None, at)
            items += home_blocks.received(page.items, person.id)
            if len(items) >= MAX_RECENT or page.older is None:
                break
            at = page.older
        return items[:MAX_RECENT]

    async def start_link(self, owner: Owner) -> Shown:
        spec = self.registry.get(owner.provider).spec
        current = await self.tokens.link(owner) if spec.per_user else None
        if current is not None and current.confirmed and not current.lapsed:
            return Shown(notice=f"You're already linked to {spec.display_name}.")
        return Shown(sign_in=(spec.name, await self.linker.start(owner)))

    async def unlink(self, owner: Owner) -> Shown:
        name = self.registry.get(owner.provider).spec.display_name
        if await self.linker.unlink(owner):
            return Shown(notice=f"Unlinked from {name}; your tokens are deleted.")
        return Shown(notice=f"You weren't linked to {name}.")

    async def confirm(self, owner: Owner) -> tuple[Shown, Confirmed | None]:
        """Yes, that's me: the account the platform showed without an e-mail address. With
        what waited for the link, handed back once."""
        name = self.registry.get(owner.provider).spec.display_name
        link, waiting = await self.linker.confirm(owner)
        linked = f"You're linked to {name} as {link.account.name}."
        confirmed = None if waiting is None else (waiting, linked)
        return Shown(notice=f":white_check_mark: {linked}"), confirmed

    async def reject(self, owner: Owner) -> Shown:
        spec = self.registry.get(owner.provider).spec
        await self.linker.unlink(owner)
        return Shown(
            notice=f"Nothing was linked to {spec.display_name}. Run `/kudos link {spec.name}` "
            "to sign in with your own account."
        )


async def applied(change: Change | None) -> Shown:
    """What `change` shows; its failure becomes the notice."""
    if change is None:
        return Shown()
    try:
        return await change()
    except Exception as error:  # the boundary: the user reads why
        return Shown(notice=f":warning: {said(error)}", failed=True)


async def home_opened(event: dict[str, Any], actor: Actor, home: Home) -> None:
    if event.get("tab") != "home" or not actor.user_id:
        return  # the Messages tab opens the same event
    await home.show(actor)


async def change_from_home(action: dict[str, Any], actor: Actor, home: Home) -> None:
    """Link or Unlink pressed on Home: do it as the clicker, then show Home again."""
    change = home.start_link if action.get("action_id") == kit.HOME_LINK else home.unlink
    # an unknown platform in the button becomes Home's notice
    await home.show(actor, lambda: change(owner_for(actor, home.registry, action)))


async def answer_link_question(
    action: dict[str, Any],
    actor: Actor,
    respond: AsyncRespond,
    home: Home,
    after_link: AfterLink,
) -> None:
    """Confirm or reject a pending link, from the DM that asked (answered in place) or from
    Home; Home is published again either way. A confirmed link continues what it was made for."""
    confirmed: list[Confirmed] = []

    async def confirm() -> Shown:
        shown, then = await home.confirm(owner_for(actor, home.registry, action))
        confirmed.extend([then] if then is not None else [])
        return shown

    async def reject() -> Shown:
        return await home.reject(owner_for(actor, home.registry, action))

    shown = await applied(confirm if action.get("action_id") == kit.CONFIRM_LINK else reject)
    if respond.response_url and shown.notice:  # the question stays when the answer failed
        with suppress(Exception):  # Home below still says it
            await reply(respond, escape(shown.notice), replace_original=not shown.failed)
    await home.publish(actor, shown)
    for waiting, linked in confirmed:  # the clicker's own link, confirmed by this request
        await after_link(waiting, linked)


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(ack=ack_only, lazy=[home_opened])
    app.action(kit.HOME_LINK)(ack=ack_only, lazy=[change_from_home])
    app.action(kit.HOME_UNLINK)(ack=ack_only, lazy=[change_from_home])
    app.action(kit.CONFIRM_LINK)(ack=ack_only, lazy=[answer_link_question])
    app.action(kit.REJECT_LINK)(ack=ack_only, lazy=[answer_link_question])
