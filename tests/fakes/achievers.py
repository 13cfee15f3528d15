"""A fake Achievers program: OAuth (authorization code, client credentials) and Open API v5."""

from __future__ import annotations

import asyncio
import math
import re
import secrets
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.fakes.server import (
    FakeServer,
    RequestLog,
    base_of,
    form_fields,
    json_body,
    json_error,
)

Json = dict[str, Any]
TOKEN_LIFETIME = 14 * 24 * 3600
REISSUE_WINDOW = 2 * 3600
CRITERIA = [
    (601, "Teamwork", "Working together towards a shared goal"),
    (602, "Innovation", "A new idea that made a difference"),
    (603, "Customer Focus", "Going the extra mile for a customer"),
]
MODULES = [
    {
        "id": 501,
        "name": "Recognition",
        "description": "Recognize a colleague",
        "moduleType": "FREE",
        "criteria": [{"id": i, "name": n, "description": d} for i, n, d in CRITERIA],
    }
]


@dataclass(frozen=True)
class Member:
    """A program member."""

    id: str
    first: str
    last: str
    email: str
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def to_json(self, base: str) -> Json:
        """The Open API user object."""
        return {
            "id": self.id,
            "firstName": self.first,
            "lastName": self.last,
            "username": f"{self.first}.{self.last}".lower(),
            "emailAddress": self.email,
            "dateCreated": self.created,
            "profileImageUrl": f"{base}/images/profile/{self.id}.png",
            "links": {"self": {"href": f"{base}/api/v5/users/{self.id}"}},
        }


@dataclass(frozen=True)
class Grant:
    """What an access token stands for: a member (None for client credentials) and a scope."""

    member: str | None
    scope: str
    expires_at: float


class FakeAchievers(FakeServer):
    """One Achievers program with `logged_in` as the member currently signed in."""

    def __init__(self, client_id: str, client_secret: str, redirect_uri: str = ""):
        self.client_id, self.client_secret, self.redirect_uri = (
            client_id,
            client_secret,
            redirect_uri,
        )
        self.logged_in: str | None = None
        self.deny = False
        self.expires_as_seconds = False
        self.latency = 0.0
        self.requests: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()
        self._members: dict[str, Member] = {}
        self._codes: dict[str, tuple[str, str]] = {}
        self._tokens: dict[str, Grant] = {}
        self._recognitions: list[Json] = []
        self._failures: list[int] = []
        self.app = Starlette(
            routes=[
                Route("/oauth/v2/openIDConnectClient/authorize", self._authorize),
                Route("/oauth/v2/openIDConnectClient/token", self._token, methods=["POST"]),
                Route("/api/v5/current-member", self._current_member),
                Route("/api/v5/users", self._users),
                Route("/api/v5/users/{id}", self._user),
                Route("/api/v5/recognitions", self._recognize, methods=["GET", "POST", "OPTIONS"]),
            ],
            middleware=[Middleware(RequestLog, log=self.requests, lock=self._lock)],
        )

    # ---- test API -------------------------------------------------------------------------

    def add_member(self, member_id: str, first: str, last: str, email: str) -> None:
        """Add a program member."""
        with self._lock:
            self._members[member_id] = Member(member_id, first, last, email)

    @property
    def recognitions(self) -> list[Json]:
        """A snapshot of every recognition sent, oldest first."""
        with self._lock:
            return [dict(r) for r in self._recognitions]

    def issued_tokens(self) -> list[str]:
        """Every access token ever issued (to scan logs and storage for plaintext leaks)."""
        with self._lock:
            return list(self._tokens)

    def expire_tokens(self) -> None:
        """Make every issued token expired."""
        with self._lock:
            self._tokens = {t: replace(g, expires_at=0.0) for t, g in self._tokens.items()}

    def fail_next(self, status: int, times: int = 1) -> None:
        """Make the next `times` API calls answer `status`."""
        with self._lock:
            self._failures.extend([status] * times)

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
        token, grant = self._issue(member, scope)
        expires = grant.expires_at - time.time() if self.expires_as_seconds else grant.expires_at
        answer = {"access_token": token, "expires_in": int(expires), "token_type": "Bearer"}
        return JSONResponse(answer | {"scope": scope})

    def _issue(self, member: str | None, scope: str) -> tuple[str, Grant]:
        """Reissue a live token for the same grant (as Achievers does) or mint a new one."""
        now = time.time()
        with self._lock:
            for token, grant in self._tokens.items():
                live = grant.expires_at - now > REISSUE_WINDOW
                if live and (grant.member, grant.scope) == (member, scope):
                    return token, grant
            token, grant = secrets.token_urlsafe(32), Grant(member, scope, now + TOKEN_LIFETIME)
            self._tokens[token] = grant
            return token, grant

    # ---- API ------------------------------------------------------------------------------

    async def _guard(self, request: Request, needs: str, *, user: bool = False) -> Grant | Response:
        """Latency, injected failures, bearer token, scope and (optionally) a user token."""
        if self.latency:
            await asyncio.sleep(self.latency)
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            grant = self._tokens.get(token) if scheme.lower() == "bearer" else None
        if failure is not None:
            return json_error(failure, "injected_failure", f"fake failure {failure}")
        if grant is None or grant.expires_at <= time.time():
            return json_error(401, "invalid_token", "missing, unknown or expired access token")
        if needs not in re.split(r"[\s,+]+", grant.scope):
            return json_error(403, "insufficient_scope", f"this call needs the {needs} scope")
        if user and grant.member is None:
            return json_error(403, "user_token_required", "this call needs a user token")
        return grant

    async def _current_member(self, request: Request) -> Response:
        """The member the user token belongs to."""
        grant = await self._guard(request, "read", user=True)
        if isinstance(grant, Response):
            return grant
        with self._lock:
            member = self._members[str(grant.member)]
        return JSONResponse(member.to_json(base_of(request)))

    async def _users(self, request: Request) -> Response:
        """Search members by exact email or name substring (case-insensitive), paged."""
        grant = await self._guard(request, "read")
        if isinstance(grant, Response):
            return grant
        q = request.query_params.get("q", "").strip().lower()
        with self._lock:
            found = [m for m in self._members.values() if _matches(m, q)]
        return _paged(request, [m.to_json(base_of(request)) for m in found])

    async def _user(self, request: Request) -> Response:
        """One member by id."""
        grant = await self._guard(request, "read")
        if isinstance(grant, Response):
            return grant
        with self._lock:
            member = self._members.get(request.path_params["id"])
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
        user_id = request.query_params.get("userId")
        with self._lock:
            found = [
                r for r in self._recognitions if user_id in (None, r["nominator"], *r["nominees"])
            ]
            items = [self._recognition_json(r, base_of(request)) for r in reversed(found)]
        return _paged(request, items)

    async def _send(self, request: Request) -> Response:
        """Send a recognition from the token's member (form body, `write` scope)."""
        grant = await self._guard(request, "write", user=True)
        if isinstance(grant, Response):
            return grant
        fields = await form_fields(request)
        if fields is None:
            return json_error(400, "invalid_request", "the request body must be form-encoded")
        form = dict(fields)
        nominees = [value for name, value in fields if name == "nominees"]
        text, criterion = form.get("recognitionText", ""), form.get("criterionId", "")
        with self._lock:
            problem = self._invalid(
                str(grant.member), nominees, text, criterion, form.get("useUserIds")
            )
            if problem:
                return json_error(400, "invalid_request", problem)
            record: Json = {"id": 5001 + len(self._recognitions), "nominator": grant.member}
            record |= {"nominees": nominees, "text": text, "criterionId": int(criterion)}
            self._recognitions.append(record | {"created": datetime.now(UTC).isoformat()})
            return JSONResponse(self._recognition_json(self._recognitions[-1], base_of(request)))

    def _invalid(
        self, nominator: str, nominees: list[str], text: str, criterion: str, ids: object
    ) -> str:
        """Why a recognition request is invalid, or "" (call with the lock held)."""
        if ids != "true":
            return "useUserIds must be true"
        if not nominees or any(n not in self._members for n in nominees):
            return "nominees must be existing user ids"
        if nominator in nominees:
            return "you cannot recognize yourself"
        if not text.strip():
            return "recognitionText is required"
        if criterion not in {str(c[0]) for c in CRITERIA}:
            return "unknown criterionId"
        return ""

    def _recognition_json(self, record: Json, base: str) -> Json:
        """The API view of a stored recognition (field names assumed; call with the lock held)."""
        names = {i: f"{m.first} {m.last}" for i, m in self._members.items()}
        criterion = next(c for c in CRITERIA if c[0] == record["criterionId"])
        return {
            "id": record["id"],
            "recognitionText": record["text"],
            "dateCreated": record["created"],
            "nominator": {"id": record["nominator"], "name": names[record["nominator"]]},
            "nominees": [{"id": n, "name": names[n]} for n in record["nominees"]],
            "criterion": {"id": criterion[0], "name": criterion[1]},
            "newsfeedEventURL": f"{base}/event/{record['id']}",
        }


def _matches(member: Member, q: str) -> bool:
    """Exact email or name substring, case-insensitive; an empty query matches everyone."""
    name = f"{member.first} {member.last} {member.first}.{member.last}".lower()
    return not q or member.email.lower() == q or q in name


def _paged(request: Request, items: list[Json]) -> Response:
    """An Open API paged collection; `previous`/`next` absent when they do not apply."""
    try:
        page = int(request.query_params.get("page", "1"))
        size = int(request.query_params.get("pageSize", "10"))
    except ValueError:
        page = size = 0
    if page < 1 or not 1 <= size <= 100:
        return json_error(400, "invalid_request", "page must be >= 1, pageSize 1..100")
    last = max(1, math.ceil(len(items) / size))

    def link(n: int) -> str:
        return str(request.url.include_query_params(page=n, pageSize=size))

    paging: Json = {"totalItems": len(items), "totalPages": last, "page": page, "pageSize": size}
    paging |= {"self": link(page), "first": link(1)}
    if page > 1:
        paging["previous"] = link(min(page - 1, last))
    if page < last:
        paging["next"] = link(page + 1)
    paging["last"] = link(last)
    return JSONResponse({"paging": paging, "items": items[(page - 1) * size : page * size]})
