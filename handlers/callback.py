"""GET /oauth/{provider}/callback: finish the link, answer a page, tell the user in Slack."""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot.linking import LinkResult
from bot.pages import page
from bot.services import Services
from handlers import blocks
from handlers.home import Home


async def oauth_callback(request: Request) -> Response:
    services: Services = request.app.state.services
    provider = request.path_params["provider"]
    if provider not in services.registry.names():
        html = page("Unknown link", "This address doesn't belong to a platform we use.", False)
        return HTMLResponse(html, status_code=404)
    result = await services.linker.complete(provider, dict(request.query_params))
    await tell_in_slack(services, result)
    ending = " You can close this tab." if result.ok and not result.needs_confirmation else ""
    html = page(result.title, result.message + ending, result.ok)
    refresh = None
    if result.pending is not None:  # Home reflects the new state; after the page has gone out
        home = Home.of(services)
        refresh = BackgroundTask(home.show, result.pending.team_id, result.pending.user_id)
    return HTMLResponse(html, status_code=200 if result.ok else 400, background=refresh)


async def tell_in_slack(services: Services, result: LinkResult) -> None:
    """The user hears how it went where they started (unless we don't know who they are)."""
    pending = result.pending
    if pending is None:
        return
    spec = services.registry.get(pending.provider).spec
    if result.needs_confirmation and result.account is not None:
        text, shown = blocks.confirm_account(spec, result.account)
    elif result.ok:
        text, shown = f":white_check_mark: {result.message}", None
    else:
        text, shown = f"Linking didn't work: {result.message}", None
    await services.notifier.tell(pending.user_id, text, pending.response_url, blocks=shown)
