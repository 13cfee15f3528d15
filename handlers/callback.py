"""GET /oauth/{provider}/callback: finish the link, answer a page, tell the user in Slack."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient
from starlette.background import BackgroundTasks
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot.accounts.linking import Installed, Linker, LinkResult
from bot.errors import KudosError
from bot.models import Actor, PendingLink
from bot.platforms.registry import Registry
from bot.slack.authorize import Workspaces
from bot.slack.installed_only import in_workspace
from bot.slack.pages import page
from handlers import blocks, kit
from handlers.errors import tell
from handlers.home import Home
from handlers.resume import AfterLink
from handlers.words import page_title, said

CONFIRM_IN_SLACK = "{name} didn't tell us your e-mail address. Confirm the account in Slack."


@dataclass(frozen=True)
class OAuthCallback:
    """The route, with the services it uses (built once by bot/app.py)."""

    registry: Registry
    linker: Linker
    slack: AsyncWebClient  # the bot's one pooled client
    workspaces: Workspaces | None  # several workspaces: the installations
    home: Home
    after_link: AfterLink

    async def answer(self, request: Request) -> Response:
        provider = request.path_params["provider"]
        if provider not in self.registry.names():
            html = page("Unknown link", "This address doesn't belong to a platform we use.", False)
            return HTMLResponse(html, status_code=404)
        query = dict(request.query_params)
        result = await self.linker.complete(provider, query, self._installed_check())
        workspace = result.pending.team_id if result.pending is not None else ""
        await in_workspace(self.workspaces, workspace, self.tell_in_slack)(result)
        title, message = self.page_words(result)
        ending = " You can close this tab." if result.ok and not result.needs_confirmation else ""
        html = page(title, message + ending, result.ok)
        after = BackgroundTasks()  # once the page has gone out
        if (pending := result.pending) is not None:
            if result.ok and not result.needs_confirmation:
                resume = in_workspace(self.workspaces, workspace, self.after_link)
                after.add_task(resume, pending, message)
            show = in_workspace(self.workspaces, workspace, self.home.show)  # the new state
            after.add_task(show, Actor(pending.team_id, pending.user_id))
        return HTMLResponse(html, status_code=200 if result.ok else 400, background=after)

    def page_words(self, result: LinkResult) -> tuple[str, str]:
        """The page's title and what it says (the Slack message says it too)."""
        if result.failure is not None:
            return page_title(result.failure), said(result.failure)
        provider = result.pending.provider if result.pending else ""
        name = self.registry.get(provider).spec.display_name if provider else ""
        if result.needs_confirmation or result.account is None:
            return "One more step", CONFIRM_IN_SLACK.format(name=name)
        account = result.account
        return "You're linked", f"You're linked to {name} as {account.name} ({account.email})."

    async def tell_in_slack(self, result: LinkResult) -> None:
        """The user hears how it went where they started (unless we don't know who they are)."""
        pending = result.pending
        if pending is None:
            return
        spec = self.registry.get(pending.provider).spec
        shown: list[kit.Block] | None = None
        if result.needs_confirmation and result.account is not None:
            text, shown = blocks.confirm_account(spec, result.account)
        elif result.ok:
            text = f":white_check_mark: {self.page_words(result)[1]}"
        else:
            text = f"Linking didn't work: {self.page_words(result)[1]}"
            if result.retry:  # the platform was away: a fresh button, for the same request
                shown = await self._link_again(pending, text)
        await tell(self.slack, pending.user_id, text, shown, pending.response_url)

    def _installed_check(self) -> Installed | None:
        """Several workspaces: a link started before the app was removed must not complete."""
        workspaces = self.workspaces
        if workspaces is None:
            return None

        async def installed(workspace: str) -> bool:
            return await workspaces.current(workspace) is not None

        return installed

    async def _link_again(self, pending: PendingLink, text: str) -> list[kit.Block] | None:
        """A new link button that continues with the same request (none when Redis is away)."""
        spec = self.registry.get(pending.provider).spec
        try:
            url = await self.linker.start(pending.owner, pending.response_url, pending.resume)
        except KudosError:
            return None
        return blocks.link_prompt(url, spec, text)
