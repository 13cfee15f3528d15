"""A fake Achievers program: OAuth (authorization code, client credentials) and Open API v5."""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import replace
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox.platform_web import paged
from testkit.fakes.achievers_data import (
    MODULES,
    TOKEN_LIFETIME,
    Grant,
    Json,
    Member,
    Program,
)
from testkit.fakes.server import FakeServer, RequestLog, base_of, form_of, json_body, json_error


class FakeAchievers(FakeServer):
    """One Achievers program with `logged_in` as the member currently signed in."""

    def __init__(self, client_id: str, client_secret: str, redirect_uri: str = ""):
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uri = redirect_uri
        self.logged_in: str | None = None
        self.deny = False
        self.expires_as_seconds = False
        self.token_lifetime: float = TOKEN_LIFETIME  # a new access token's life (no refresh token)
        self.latency = 0.0
        self.requests: list[tuple[str, str, str]] = []
        self.page_cap: int | None = None  # the largest page served, whatever was asked for
        self._lock = threading.Lock()
        self._program = Program()
        self._codes: dict[str, tuple[str, str]] = {}
        routes = [
            Route("/oauth/v2/openIDConnectClient/authorize", self._authorize),
            Route("/oauth/v2/openIDConnectClient/token", self._token, methods=["POST"]),
            Route("/api/v5/current-member", self._current_member),
            Route("/api/v5/users", self._users),
            Route("/api/v5/users/{id}", self._user),
            Route("/api/v5/recognitions", self._recognize, methods=["GET", "POST", "OPTIONS"]),
        ]
        faulty = self._faulty(Starlette(routes=routes), exempt=("/oauth/",))
        self.app = RequestLog(faulty, self.requests, self._lock)

    # ---- test API -------------------------------------------------------------------------

    @property
    def clock_offset(self) -> float:
        """Seconds added to the time recognitions are dated."""
        return self._program.clock_offset

    @clock_offset.setter
    def clock_offset(self, seconds: float) -> None:
        with self._lock:
            self._program.clock_offset = seconds

    def add_member(self, member_id: str, first: str, last: str, email: str) -> None:
        """Add a program member."""
        with self._lock:
            self._program.members[member_id] = Member(member_id, first, last, email)

    @property
    def recognitions(self) -> list[Json]:
        """A snapshot of every recognition sent, oldest first."""
        with self._lock:
            return [dict(r) for r in self._program.recognitions]

    def issued_tokens(self) -> list[str]:
        """Every access token ever issued (to scan logs and storage for plaintext leaks)."""
        with self._lock:
            return list(self._program.tokens)

    def expire_tokens(self) -> None:
        """Make every issued token expired."""
        with self._lock:
            tokens = self._program.tokens
            self._program.tokens = {t: replace(g, expires_at=0.0) for t, g in tokens.items()}

    # ---- OAuth ----------------------------------------------------------------------------

    async def _authorize(self, request: Request) -> Response:
        """The logged-in member approves (or denies) and is sent to the registered redirect URI."""
        q = request.query_params
        if q.get("client_id") != self.client_id or q.get("response_type") != "code":
            return HTMLResponse("<h1>Invalid authorization request</h1>", status_code=400)
        if not self.redirect_uri or self.logged_in is None:
            return HTMLResponse("<h1>Not available</h1>", status_code=400)
        params = {"error": "access_denied"}
        if not self.deny:
            params = {"code": secrets.token_urlsafe(24)}
            with self._lock:
                self._codes[params["code"]] = (self.logged_in, q.get("scope") or "read")
        if "state" in q:
            params["state"] = q["state"]
        sep = "&" if "?" in self.redirect_uri else "?"
        return RedirectResponse(f"{self.redirect_uri}{sep}{urlencode(params)}", status_code=302)

    async def _token(self, request: Request) -> Response:
        """Exchange a code, or client credentials, for an access token (JSON bodies only)."""
        body = await json_body(request)
        if body is None:
            return json_error(400, "invalid_request", "the request body must be a JSON object")
        if (body.get("client_id"), body.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return json_error(401, "invalid_client")
        if body.get("grant_type") == "authorization_code":
            with self._lock:
                found = self._codes.pop(str(body.get("code")), None)
            if found is None:
                return json_error(400, "invalid_grant", "unknown or already used code")
            member, scope = found
        elif body.get("grant_type") == "client_credentials":
            member, scope = None, str(body.get("scope") or "read")
        else:
            return json_error(400, "unsupported_grant_type")
        with self._lock:
            token, grant = self._program.issue(member, scope, self.token_lifetime)
        expires = grant.expires_at - time.time() if self.expires_as_seconds else grant.expires_at
        answer = {"access_token": token, "expires_in": int(expires), "token_type": "Bearer"}
        return JSONResponse(answer | {"scope": scope})

    # ---- API ------------------------------------------------------------------------------

    async def _guard(self, request: Request, needs: str, *, user: bool = False) -> Grant | Response:
        """Bearer token, scope and (optionally) a user token (latency and faults: faults.py)."""
        with self._lock:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            grant = self._program.tokens.get(token) if scheme.lower() == "bearer" else None
        if grant is None or grant.expires_at <= time.time():
            return json_error(401, "invalid_token", "missing, unknown or expired access token")
        if needs not in re.split(r"[\s,+]+", grant.scope):
            answer = json_error(403, "insufficient_scope", f"this call needs the {needs} scope")
            answer.headers["WWW-Authenticate"] = (
                f'Bearer error="insufficient_scope", scope="{needs}"'
            )
            return answer
        if user and grant.member is None:
            return json_error(403, "user_token_required", "this call needs a user token")
        return grant

    async def _current_member(self, request: Request) -> Response:
        """The member the user token belongs to."""
        grant = await self._guard(request, "read", user=True)
        if isinstance(grant, Response):
            return grant
        with self._lock:
            member = self._program.members[str(grant.member)]
        return JSONResponse(member.to_json(base_of(request)))

    async def _users(self, request: Request) -> Response:
        """Search members by exact email or name substring (case-insensitive), paged."""
        grant = await self._guard(request, "read")
        if isinstance(grant, Response):
            return grant
        with self._lock:
            found = self._program.search(request.query_params.get("q", ""))
        return paged(request, [m.to_json(base_of(request)) for m in found], self.page_cap)

    async def _user(self, request: Request) -> Response:
        """One member by id."""
        grant = await self._guard(request, "read")
        if isinstance(grant, Response):
            return grant
        with self._lock:
            member = self._program.members.get(request.path_params["id"])
        if member is None:
            return json_error(404, "not_found", "no such user")
        return JSONResponse(member.to_json(base_of(request)))

    async def _recognize(self, request: Request) -> Response:
        """OPTIONS lists modules and criteria, POST sends, GET lists."""
        if request.method == "POST":
            return await self._send(request)
        grant = await self._guard(request, "read", user=request.method == "OPTIONS")
        if isinstance(grant, Response):
            return grant
        if request.method == "OPTIONS":
            return JSONResponse({"items": MODULES})
        with self._lock:
            items = self._program.listed(request.query_params.get("userId"), base_of(request))
        return paged(request, items, self.page_cap)

    async def _send(self, request: Request) -> Response:
        """Send a recognition from the token's member (form body, `write` scope)."""
        grant = await self._guard(request, "write", user=True)
        if isinstance(grant, Response):
            return grant
        fields = await form_of(request)
        if fields is None:
            return json_error(400, "invalid_request", "the request body must be form-encoded")
        with self._lock:
            view = self._program.send(str(grant.member), fields, base_of(request))
        if isinstance(view, str):
            return json_error(400, "invalid_request", view)
        return JSONResponse(view)
