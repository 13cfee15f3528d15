"""The simulated Slack's install side (`python -m bot sandbox install`): its consent page and
`oauth.v2.access`, handing the bot the sandbox workspace's bot token."""

from __future__ import annotations

import secrets
from html import escape
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.slack.pages import page
from sandbox.platform_web import client_auth
from sandbox.slack_records import APP_ID, BOT_USER_ID, TEAM_ID, TEAM_NAME, Json

SCOPES = "commands,chat:write,chat:write.public,users:read,users:read.email"


class SlackInstalls:
    """One app (its client credentials) installable into the one sandbox workspace."""

    def __init__(self, client_id: str, client_secret: str, bot_token: str) -> None:
        self.client_id, self.client_secret, self.bot_token = client_id, client_secret, bot_token
        self._codes: set[str] = set()
        self.routes = [Route("/oauth/v2/authorize", self.consent, methods=["GET"])]

    async def consent(self, request: Request) -> Response:
        """Slack's "Kudos Bridge is requesting permission" page; Allow goes back with a code."""
        query = request.query_params
        if query.get("client_id") != self.client_id or not query.get("redirect_uri"):
            html = page("Not installed", "This install link is not for this app.", False)
            return HTMLResponse(html, status_code=400)
        if query.get("allow") != "1":
            allow = f"{request.url.path}?{urlencode({**query, 'allow': '1'})}"
            text = f"Kudos Bridge is requesting permission to access {TEAM_NAME}."
            link = f'<p><a href="{escape(allow)}">Allow</a></p>'
            return HTMLResponse(page("Install Kudos Bridge", text, True).replace("</main>", link))
        code = secrets.token_hex(8)
        self._codes.add(code)
        back = urlencode({"code": code, "state": query.get("state", "")})
        return RedirectResponse(f"{query['redirect_uri']}?{back}", status_code=302)

    def access(self, request: Request, params: Json) -> Json:
        """oauth.v2.access: a code from the consent page, once, for the workspace's bot token."""
        fields = {key: str(value) for key, value in params.items()}  # or HTTP Basic
        if client_auth(request, fields) != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        code = str(params.get("code", ""))
        if code not in self._codes:
            return {"ok": False, "error": "invalid_code"}
        self._codes.discard(code)
        return {
            "ok": True,
            "app_id": APP_ID,
            "authed_user": {"id": "U0ANA"},
            "scope": SCOPES,
            "token_type": "bot",
            "access_token": self.bot_token,
            "bot_user_id": BOT_USER_ID,
            "team": {"id": TEAM_ID, "name": TEAM_NAME},
            "enterprise": None,
            "is_enterprise_install": False,
        }
