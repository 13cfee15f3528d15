"""GET /oauth/{provider}/callback: finish the link, answer a page, tell the user in Slack."""

from __future__ import annotations

from starlette.background import BackgroundTasks
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot.accounts.linking import Installed, LinkResult
from bot.errors import KudosError
from bot.models import PendingLink
from bot.services import Services
from bot.slack.installed_only import in_workspace
from bot.slack.pages import page
from handlers import blocks, kit
from handlers.errors import tell
from handlers.home import Home
from handlers.resume import continue_after_link
from handlers.words import page_title, said

CONFIRM_IN_SLACK = "{name} didn't tell us your e-mail address. Confirm the account in Slack."


async def oauth_callback(request: Request) -> Response:
    services: Services = request.app.state.services
    provider = request.path_params["provider"]
    if provider not in services.registry.names():
        html = page("Unknown link", "This address doesn't belong to a platform we use.", False)
        return HTMLResponse(html, status_code=404)
    query = dict(request.query_params)
    result = await services.linker.complete(provider, query, _installed_check(services))
    workspace = result.pending.team_id if result.pending is not None else ""
    await in_workspace(services.workspaces, workspace, tell_in_slack)(services, result)
    title, message = page_words(services, result)
    ending = " You can close this tab." if result.ok and not result.needs_confirmation else ""
    html = page(title, message + ending, result.ok)
    after = BackgroundTasks()  # once the page has gone out
    if result.pending is not None:
        if result.ok and not result.needs_confirmation:
            resume = in_workspace(services.workspaces, workspace, continue_after_link)
            after.add_task(resume, services, result.pending, message)
        home = Home.of(services)  # Home reflects the new state
        show = in_workspace(services.workspaces, workspace, home.show)
        after.add_task(show, result.pending.team_id, result.pending.user_id)
    return HTMLResponse(html, status_code=200 if result.ok else 400, background=after)


def page_words(services: Services, result: LinkResult) -> tuple[str, str]:
    """The page's title and what it says (the Slack message says it too)."""
    if result.failure is not None:
        return page_title(result.failure), said(result.failure)
    name = (
        services.registry.get(result.pending.provider).spec.display_name if result.pending else ""
    )
    if result.needs_confirmation or result.account is None:
        return "One more step", CONFIRM_IN_SLACK.format(name=name)
    account = result.account
    return "You're linked", f"You're linked to {name} as {account.name} ({account.email})."


async def tell_in_slack(services: Services, result: LinkResult) -> None:
    """The user hears how it went where they started (unless we don't know who they are)."""
    pending = result.pending
    if pending is None:
        return
    spec = services.registry.get(pending.provider).spec
    shown: list[kit.Block] | None = None
    if result.needs_confirmation and result.account is not None:
        text, shown = blocks.confirm_account(spec, result.account)
    elif result.ok:
        text = f":white_check_mark: {page_words(services, result)[1]}"
    else:
        text = f"Linking didn't work: {page_words(services, result)[1]}"
        if result.retry:  # the platform was away: a fresh button, for the same request
            shown = await _link_again(services, pending, text)
    await tell(services.slack, pending.user_id, text, shown, pending.response_url)


def _installed_check(services: Services) -> Installed | None:
    """Several workspaces: a link started before the app was removed must not complete."""
    workspaces = services.workspaces
    if workspaces is None:
        return None

    async def installed(workspace: str) -> bool:
        return await workspaces.current(workspace) is not None

    return installed


async def _link_again(
    services: Services, pending: PendingLink, text: str
) -> list[kit.Block] | None:
    """A new link button that continues with the same request (none when Redis is away)."""
    spec = services.registry.get(pending.provider).spec
    try:
        url = await services.linker.start(pending.owner, pending.response_url, pending.resume)
    except KudosError:
        return None
    return blocks.link_prompt(url, spec, text)
