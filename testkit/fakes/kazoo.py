"""A fake KazooHR / YouEarnedIt: Doorkeeper-style OAuth (query-string token requests), API v3."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.kazoo_data import (
    COMPANY_VALUES,
    TOKEN_PARAMS,
    errors,
    invalid_recognition,
    involves,
    paged,
    recipients_of,
    recognition_json,
    unknown_params,
    user_json,
)
from testkit.fakes.server import base_of, form_of, json_body, json_error
from testkit.fakes.server_data import Grant, Issued, PlatformFake

ACCESS_LIFETIME = 1209600
GRANT_TYPES = ("authorization_code", "refresh_token")


async def _body_params(request: Request) -> set[str]:
    """Names of the parameters a form or JSON body carries."""
    form = await form_of(request)
    if form is not None:
        return {name for name, _ in form}
    return set(await json_body(request) or {})


class FakeKazoo(PlatformFake):
    """One YouEarnedIt company with `logged_in` (a numeric user id, as a string) signed in.

    Refresh rotates the refresh token (the previous access token lives until it expires);
    replaying a rotated refresh token revokes its family. `me_has_email = False` hides the
    email from /users/me. Every API request must say `Content-Type: application/json` (the
    guide), or it is answered 415; a listing refuses query parameters it doesn't take.
    """

    numeric_ids = True

    def __init__(self, client_id: str, client_secret: str, redirect_uri: str = ""):
        super().__init__(client_id, client_secret, lifetime=ACCESS_LIFETIME, rotate=False)
        self.redirect_uri = redirect_uri
        self.me_has_email = True
        self._build(
            [
                Route("/oauth/authorize", self._authorize),
                Route("/oauth/token", self._token, methods=["POST"]),
                Route("/api/v3/users/me", self._me),
                Route("/api/v3/users/{id:int}", self._user),
                Route("/api/v3/users", self._users),
                Route("/api/v3/company_values", self._values),
                Route("/api/v3/recognitions", self._recognitions, methods=["GET", "POST"]),
            ],
            oauth_prefix="/oauth/",
        )

    # ---- OAuth ----------------------------------------------------------------------------

    async def _authorize(self, request: Request) -> Response:
        """Approve as `logged_in` and redirect with `code` (and `state` when one was sent)."""
        return self._authorization(request)

    async def _token(self, request: Request) -> Response:
        """Every parameter in the query string; a body carrying any of them is refused."""
        if await _body_params(request) & TOKEN_PARAMS:
            return json_error(400, "invalid_request", "token parameters go in the query string")
        q = dict(request.query_params)
        grant_type, client = q.get("grant_type"), (q.get("client_id"), q.get("client_secret"))
        if grant_type not in GRANT_TYPES:
            return json_error(400, "unsupported_grant_type" if grant_type else "invalid_request")
        must_auth = grant_type == "authorization_code" or client != (None, None)
        if must_auth and client != (self.client_id, self.client_secret):
            return json_error(401, "invalid_client")
        if grant_type == "authorization_code" and q.get("scope") != "API":
            return json_error(400, "invalid_scope", "scope must be API")
        with self._lock:
            if grant_type == "authorization_code":
                issued = self._exchange(q)
            else:
                issued = self._tokens.rotate(q.get("refresh_token", ""), self.access_lifetime)
        if issued is None:
            return json_error(400, "invalid_grant")
        access, refresh, _ = issued
        answer: dict[str, object] = {"access_token": access, "token_type": "Bearer"}
        answer |= {"expires_in": round(self.access_lifetime), "refresh_token": refresh}
        return JSONResponse(answer | {"created_at": int(time.time())})

    def _exchange(self, q: dict[str, str]) -> Issued | None:
        """Consume the code; the redirect URI must match (caller holds the lock)."""
        code = self._codes.pop(q.get("code", ""), None)
        if code is None or q.get("redirect_uri") != code.redirect_uri:
            return None
        grant = self._tokens.new_grant(code.person, "API", self.access_lifetime)
        return self._tokens.issue("authorization_code", grant)

    # ---- API ------------------------------------------------------------------------------

    async def _guard(self, request: Request) -> Grant | Response:
        """A live bearer token, the JSON content type, and only parameters the path takes."""
        admitted = self._admit(request)
        if admitted is None or admitted.person is None:
            headers = {"WWW-Authenticate": 'Bearer realm="Doorkeeper", error="invalid_token"'}
            body = {"errors": ["The access token is invalid or expired"]}
            return JSONResponse(body, status_code=401, headers=headers)
        if not request.headers.get("content-type", "").startswith("application/json"):
            return errors(415, "Content-Type must be application/json")
        return unknown_params(request) or admitted

    async def _me(self, request: Request) -> Response:
        """The signed-in user (ASSUMED path); no email when `me_has_email` is False."""
        grant = await self._guard(request)
        if isinstance(grant, Response):
            return grant
        with self._lock:
            person = self._people.get(str(grant.person))
        if person is None:
            return errors(404, "user not found")
        return JSONResponse(user_json(person, base_of(request), email=self.me_has_email))

    async def _user(self, request: Request) -> Response:
        """One user by id (ASSUMED path)."""
        grant = await self._guard(request)
        if isinstance(grant, Response):
            return grant
        with self._lock:
            person = self._people.get(str(request.path_params["id"]))
        if person is None:
            return errors(404, "user not found")
        return JSONResponse(user_json(person, base_of(request)))

    async def _users(self, request: Request) -> Response:
        """Users, optionally with this exact email (case-insensitive), paged."""
        grant = await self._guard(request)
        if isinstance(grant, Response):
            return grant
        email = request.query_params.get("email")
        with self._lock:
            people = list(self._people.values())
        found = [p for p in people if email is None or p.email.lower() == email.lower()]
        return paged(request, [user_json(p, base_of(request)) for p in found], self.page_cap)

    async def _values(self, request: Request) -> Response:
        """The company values, paged."""
        grant = await self._guard(request)
        if isinstance(grant, Response):
            return grant
        return paged(request, list(COMPANY_VALUES), self.page_cap)

    async def _recognitions(self, request: Request) -> Response:
        """GET: what `user_id` gave or received (all without it), newest first. POST: send."""
        grant = await self._guard(request)
        if isinstance(grant, Response):
            return grant
        if request.method == "POST":
            return await self._send(request, str(grant.person))
        user_id = request.query_params.get("user_id")
        with self._lock:
            found = [r for r in self._sent if involves(r, user_id)]
        views = [recognition_json(r, base_of(request)) for r in found[::-1]]
        return paged(request, views, self.page_cap)

    async def _send(self, request: Request, sender: str) -> Response:
        """Send from the token's user: JSON `{recipient_ids, message, company_value_id}`."""
        body = await json_body(request)
        if body is None:
            return errors(400, "the body must be a JSON object (Content-Type: application/json)")
        with self._lock:
            problems = invalid_recognition(body, sender, self._people)
            if problems:
                return errors(422, *problems)
            value = body.get("company_value_id")
            recipients = recipients_of(body) or []
            value_id = None if value is None else str(value)
            record = self._record(sender, recipients, body["message"], value_id)
        return JSONResponse(recognition_json(record, base_of(request)), status_code=201)
