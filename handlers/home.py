"""App Home: the tab published on `app_home_opened`, its Link / Unlink buttons, and Confirm /
Reject of a pending link (on the tab, or in the DM that asked).

Identity always comes from the signed request (handlers.workspace / context.user_id); a button's
value only names the platform. Home has no response_url, so the outcome of a button (or the
reason it failed) is shown as a notice at the top of the republished tab."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.accounts.linking import Linker
from bot.accounts.tokens import Tokens
from bot.errors import KudosError, NotLinked
from bot.models import Owner, PendingLink, Recognition
from bot.platforms.paging import NextPage
from bot.platforms.registry import Registry
from bot.recognition.lookups import Lookups
from bot.services import Services
from handlers import home_blocks, kit
from handlers.actions import ack_only, owner_for
from handlers.errors import reply
from handlers.home_blocks import MAX_RECENT, PlatformRow, Received, Shown
from handlers.kit import escape
from handlers.resume import continue_request
from handlers.words import said
from handlers.workspace import workspace

log = logging.getLogger(__name__)
RECEIVED_PAGES = 4  # of the platform's pages read for Home's "received", at most
REFUSED_VIEW = ("invalid_arguments", "invalid_blocks", "invalid_blocks_format")


Change = Callable[[], Awaitable[Shown]]


@dataclass(frozen=True)
class Home:
    """Renders and publishes one user's Home tab."""

    client: AsyncWebClient
    registry: Registry
    tokens: Tokens
    lookups: Lookups
    linker: Linker

    @classmethod
    def of(cls, services: Services) -> Home:
        return cls(
            services.slack, services.registry, services.tokens, services.lookups, services.linker
        )

    @classmethod
    def of_request(cls, context: AsyncBoltContext) -> Home:
        """The Home of a listener: the same services, as the middleware put them in `context`."""
        names = ("client", "registry", "tokens", "lookups", "linker")
        return cls(*(context[name] for name in names))

    async def show(self, team_id: str, user_id: str, change: Change | None = None) -> None:
        """Apply `change` (its failure becomes the notice), then publish; never raises."""
        await self.publish(team_id, user_id, await applied(change))

    async def publish(self, team_id: str, user_id: str, shown: Shown) -> None:
        """Publish the tab; a tab Slack refuses becomes a short one saying so. Never raises."""
        try:
            rows = await self.rows(team_id, user_id, shown.sign_in)
            view = home_blocks.home_view(rows, await self.received(team_id, user_id), shown.notice)
            await self.client.views_publish(user_id=user_id, view=view)
        except SlackApiError as error:
            log.warning("views.publish failed: %s", error.response.get("error"))
            if error.response.get("error") in REFUSED_VIEW:
                with suppress(Exception):  # nothing else to try
                    await self.client.views_publish(user_id=user_id, view=home_blocks.plain_view())
        except Exception as error:  # e.g. Redis or Slack unreachable: Home stays as it was
            log.warning("could not publish Home: %s", type(error).__name__)

    async def rows(
        self, team_id: str, user_id: str, sign_in: tuple[str, str] | None
    ) -> list[PlatformRow]:
        rows = []
        for name in self.registry.names():
            spec = self.registry.get(name).spec
            link = await self.tokens.link(Owner(team_id, user_id, name)) if spec.per_user else None
            url = sign_in[1] if sign_in is not None and sign_in[0] == name else None
            rows.append(PlatformRow(spec, link, url))
        return rows

    async def received(self, team_id: str, user_id: str) -> Received:
        """Recent recognitions received on the default platform, or why there are none."""
        if not self.registry.names():
            return Received(None, problem="No recognition platform is set up yet.")
        spec = self.registry.get().spec
        try:
            items = await self.received_items(Owner(team_id, user_id, spec.name))
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
        return Shown(notice=f":white_check_mark: {linked}"), (
            None if waiting is None else Confirmed(waiting, linked)
        )

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


async def home_opened(event: dict[str, Any], context: AsyncBoltContext) -> None:
    if event.get("tab") != "home" or not context.user_id:
        return  # the Messages tab opens the same event
    await Home.of_request(context).show(workspace(context), context.user_id)


async def change_from_home(
    action: dict[str, Any], context: AsyncBoltContext, registry: Registry
) -> None:
    """Link or Unlink pressed on Home: do it as the clicker, then show Home again."""
    home = Home.of_request(context)
    change = home.start_link if action.get("action_id") == kit.HOME_LINK else home.unlink
    await home.show(  # an unknown platform in the button becomes Home's notice
        workspace(context),
        context.user_id or "",
        lambda: change(owner_for(context, registry, action)),
    )


@dataclass(frozen=True)
class Confirmed:
    """A link confirmed in Slack, and the request that waited for it."""

    waiting: PendingLink
    linked: str


async def answer_link_question(
    action: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond, registry: Registry
) -> None:
    """Confirm or reject a pending link, from the DM that asked (answered in place) or from
    Home; Home is published again either way. A confirmed link continues what it was made for."""
    home, confirmed = Home.of_request(context), []

    async def confirm() -> Shown:
        shown, then = await home.confirm(owner_for(context, registry, action))
        confirmed.extend([then] if then is not None else [])
        return shown

    async def reject() -> Shown:
        return await home.reject(owner_for(context, registry, action))

    shown = await applied(confirm if action.get("action_id") == kit.CONFIRM_LINK else reject)
    if respond.response_url and shown.notice:  # the question stays when the answer failed
        with suppress(Exception):  # Home below still says it
            await reply(respond, escape(shown.notice), replace_original=not shown.failed)
    await home.publish(workspace(context), context.user_id or "", shown)
    for then in confirmed:  # as the clicker: the link's owner, from this signed request
        await continue_request(context, then.waiting, then.linked)


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(ack=ack_only, lazy=[home_opened])
    app.action(kit.HOME_LINK)(ack=ack_only, lazy=[change_from_home])
    app.action(kit.HOME_UNLINK)(ack=ack_only, lazy=[change_from_home])
    app.action(kit.CONFIRM_LINK)(ack=ack_only, lazy=[answer_link_question])
    app.action(kit.REJECT_LINK)(ack=ack_only, lazy=[answer_link_question])
