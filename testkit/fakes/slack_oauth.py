"""The install side of the Slack fake: the consent page stand-in, `oauth.v2.access` with Slack's
response shapes (workspace install, org-wide install, token rotation), and the tokens it minted."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from sandbox.platform_web import client_auth

Params = dict[str, Any]
CLIENT_ID = "111.222"
CLIENT_SECRET = "slack-client-secret"
ROTATING_LIFETIME = 43200  # Slack's rotating bot tokens live 12 hours

# What the installed app's bot token was granted (manifest.yml's bot scopes); Slack names them,
# comma-separated, in the `x-oauth-scopes` header of every Web API answer to that token.
GRANTED_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "users:read",
    "users:read.email",
    "reactions:read",
    "channels:history",
    "groups:history",
)


@dataclass
class Consent:
    """What the admin approves on Slack's page: a workspace, or a whole org (`org_wide`)."""

    team_id: str | None
    enterprise_id: str | None = None
    org_wide: bool = False
    installer: str = "U_ADMIN"
    rotating: bool = False
    expires_in: int = ROTATING_LIFETIME  # of the first token, when rotating


@dataclass
class Minted:
    consent: Consent
    bot_user_id: str
    revoked: bool = False


class SlackInstalls:
    """Client credentials, codes, bot tokens and refresh tokens, as Slack keeps them."""

    def __init__(self, client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET):
        self.client_id, self.client_secret = client_id, client_secret
        self.consent: Consent | None = None  # what the next visit of the consent page approves
        self.refreshes = 0  # refresh grants Slack answered
        self.refused_refreshes = 0
        self._codes: dict[str, Consent] = {}
        self._tokens: dict[str, Minted] = {}
        self._refresh: dict[str, Minted] = {}
        self._lock = threading.Lock()

    def owner(self, token: str | None) -> Minted | None:
        """The install a live minted token belongs to."""
        with self._lock:
            minted = self._tokens.get(token or "")
        return None if minted is None or minted.revoked else minted

    def tokens_of(self, workspace: str) -> list[str]:
        with self._lock:
            return [t for t, m in self._tokens.items() if _workspace(m.consent) == workspace]

    def uninstall(self, workspace: str) -> None:
        """The app removed from a workspace (or org): its tokens stop working."""
        with self._lock:
            for minted in self._tokens.values():
                minted.revoked |= _workspace(minted.consent) == workspace

    def authorize_page(self, request: Request) -> Response:
        """Slack's consent page, approved at once: back to redirect_uri with a code and state."""
        query = request.query_params
        if query.get("client_id") != self.client_id or self.consent is None:
            return PlainTextResponse("invalid_client_id", status_code=400)
        code = secrets.token_hex(8)
        with self._lock:
            self._codes[code] = self.consent
        back = urlencode({"code": code, "state": query.get("state", "")})
        return RedirectResponse(f"{query.get('redirect_uri')}?{back}", status_code=302)

    def access(self, request: Request, params: Params) -> Params:
        """oauth.v2.access: a code for a bot token, or (rotation) a refresh token for a new one."""
        fields = {key: str(value) for key, value in params.items()}  # or HTTP Basic
        if client_auth(request, fields) != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        if params.get("grant_type") == "refresh_token":
            return self._refreshed(str(params.get("refresh_token", "")))
        with self._lock:
            consent = self._codes.pop(str(params.get("code", "")), None)
        if consent is None:
            return {"ok": False, "error": "invalid_code"}
        minted = Minted(consent, f"U_BOT_{_workspace(consent)}")
        return self._answer(minted, consent.expires_in)

    def _refreshed(self, refresh_token: str) -> Params:
        with self._lock:
            minted = self._refresh.pop(refresh_token, None)  # a refresh token works once
            if minted is None:
                self.refused_refreshes += 1
                return {"ok": False, "error": "invalid_refresh_token"}
            self.refreshes += 1
        return self._answer(minted, ROTATING_LIFETIME)

    def _answer(self, minted: Minted, expires_in: int) -> Params:
        consent = minted.consent
        token = f"xoxe.xoxb-1-{secrets.token_hex(8)}" if consent.rotating else _plain_token()
        answer: Params = {
            "ok": True,
            "app_id": "A_KUDOS",
            "authed_user": {"id": consent.installer},
            "scope": ",".join(GRANTED_SCOPES),
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": minted.bot_user_id,
            "team": None if consent.org_wide else {"id": consent.team_id, "name": "Team"},
            "enterprise": {"id": consent.enterprise_id, "name": "Org"}
            if consent.enterprise_id
            else None,
            "is_enterprise_install": consent.org_wide,
        }
        with self._lock:
            self._tokens[token] = minted
            if consent.rotating:
                refresh = f"xoxe-1-{secrets.token_hex(12)}"
                self._refresh[refresh] = minted
                answer |= {"refresh_token": refresh, "expires_in": expires_in}
        return answer

    def auth_test(self, minted: Minted) -> Params:
        consent = minted.consent
        return {
            "ok": True,
            "url": "https://org.enterprise.slack.com/",
            "team_id": consent.team_id,
            "enterprise_id": consent.enterprise_id,
            "user_id": minted.bot_user_id,
            "bot_id": f"B_{_workspace(consent)}",
            "is_enterprise_install": consent.org_wide,
        }


def _workspace(consent: Consent) -> str:
    return (consent.enterprise_id if consent.org_wide else consent.team_id) or ""


def _plain_token() -> str:
    return f"xoxb-{secrets.randbelow(10**12)}-{secrets.token_hex(12)}"
