"""The sign-in every simulated platform shares: a consent page where the person picks a demo
account, then Allow (a code, back to the bot's callback) or Deny (`error=access_denied`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from sandbox import platform_pages as pages
from sandbox.people import BY_MEMBER_ID
from sandbox.platform_web import form_of

APP_NAME = "Kudos Bridge"
NewCode = Callable[[str, dict[str, str]], str]  # (account, the sign-in's fields) → a code


@dataclass(frozen=True)
class Consent:
    """One platform's OAuth client (the bot) and where it is sent back to."""

    brand: str
    client_id: str
    redirect_uri: str

    async def authorize(self, request: Request, new_code: NewCode) -> Response:
        """GET shows the consent page; POST is the person's decision, sent back to the bot."""
        fields = dict(request.query_params)
        if request.method == "POST":
            fields = dict(await form_of(request) or [])
        if fields.get("client_id") != self.client_id or fields.get("response_type") != "code":
            return HTMLResponse(
                pages.refusal_page("Unknown client or response type.", self.brand), 400
            )
        if request.method == "GET":
            return HTMLResponse(pages.consent_page(fields, APP_NAME, brand=self.brand))
        answer = {"error": "access_denied"}
        if fields.get("decision") == "allow":
            account = fields.get("account", "")
            if account not in BY_MEMBER_ID:
                problem = "Pick the account to sign in with."
                return HTMLResponse(pages.consent_page(fields, APP_NAME, problem, self.brand), 400)
            answer = {"code": new_code(account, fields)}
        if fields.get("state"):
            answer["state"] = fields["state"]
        return RedirectResponse(f"{self.redirect_uri}?{urlencode(answer)}", status_code=303)
