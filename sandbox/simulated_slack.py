"""The simulated Slack: the channel page, its JSON routes, the Web API and response URLs."""

from __future__ import annotations

from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sandbox.channel import Channel
from sandbox.forward import BotLink
from sandbox.interactions import Interactions
from sandbox.people import BY_SLACK_ID, avatar_svg
from sandbox.slack_api import SlackApi
from sandbox.slack_records import BOT_USER_ID
from sandbox.switch import PlatformSwitch
from sandbox.workspace import Workspace

STATIC = Path(__file__).resolve().parent / "static"
BOT_AVATAR = ("KB", "#4a154b")


async def index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


async def avatar(request: Request) -> Response:
    user_id = request.path_params["user"]
    person = BY_SLACK_ID.get(user_id)
    if person is None and user_id != BOT_USER_ID:
        return Response(status_code=404)
    initials, color = (person.initials, person.color) if person else BOT_AVATAR
    return Response(avatar_svg(initials, color), media_type="image/svg+xml")


async def favicon(request: Request) -> Response:
    return Response(avatar_svg(*BOT_AVATAR), media_type="image/svg+xml")


def simulated_slack(
    signing_secret: str,
    bot_token: str,
    events_url: str,
    http: httpx.AsyncClient,
    switch: PlatformSwitch | None = None,
) -> tuple[Starlette, Workspace]:
    """The app serving the page and Slack's APIs, and the workspace it acts on; with `switch`,
    the page's platform switch."""
    workspace = Workspace()
    bot = BotLink(events_url, signing_secret, http)
    routes = [
        Route("/", index),
        Route("/avatars/{user}.svg", avatar),
        Route("/favicon.ico", favicon),
        *SlackApi(workspace, bot_token).routes,
        *Channel(workspace, bot).routes,
        *Interactions(workspace, bot).routes,
        *(switch.routes if switch else []),
        Mount("/static", StaticFiles(directory=STATIC)),
    ]
    return Starlette(routes=routes), workspace
