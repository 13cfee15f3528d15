"""A fake 7Geese (Paycor Performance): Django OAuth Toolkit-style OAuth, REST v2.0 and GraphQL."""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from sandbox.sevengeese_data import (
    BADGES,
    Badge,
    allows,
    created_on,
    drf_page,
    invalid_recognition,
    listing_problem,
    profile_json,
    recognition_json,
)
from sandbox.sevengeese_graphql import graphql
from testkit.fakes.server import base_of, client_form, json_body, json_error
from testkit.fakes.server_data import Grant, Issued, PlatformFake

ACCESS_LIFETIME = 36000
UNAUTHENTICATED = {"detail": "Authentication credentials were not provided."}
FORBIDDEN = {"detail": "You do not have permission to perform this action."}
VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


def numbered_badges(count: int, first_pk: int = 1001) -> list[Badge]:
    """Active badges "Badge 0001"…, for a network with more than a menu's 100 values."""
    return [(first_pk + n, f"Badge {n + 1:04d}", True) for n in range(count)]


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier: base64url(sha256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class FakeSevenGeese(PlatformFake):
    """One 7Geese network with `logged_in` (a profile pk, as a string) signed in.

    Person ids are profile pks; `user.id` is pk + 5000. Refresh rotates (the old refresh and
    access tokens stop working) and replaying a rotated refresh token revokes its family.
    """

    numeric_ids = True

    def __init__(self, client_id: str, client_secret: str, redirect_uri: str = ""):
        super().__init__(client_id, client_secret, lifetime=ACCESS_LIFETIME, rotate=True)
        self.redirect_uri = redirect_uri
        self.badges = list(BADGES)  # (pk, name, active): add to page through more than 100
        self._build(
            [
                Route("/o/authorize/", self._authorize),
                Route("/o/token/", self._token, methods=["POST"]),
                Route("/api/v/2.0/userprofiles/me/", self._me),
                Route("/graphql", self._graphql, methods=["POST"]),
                Route("/api/v/2.0/recognitions/", self._recognitions, methods=["GET", "POST"]),
            ],
            oauth_prefix="/o/",
        )

    # ---- OAuth ----------------------------------------------------------------------------

    async def _authorize(self, request: Request) -> Response:
        """Approve as `logged_in`; the code remembers scope, redirect URI and PKCE challenge."""
        q = request.query_params
        challenge = q.get("code_challenge", "")
        if challenge and q.get("code_challenge_method") != "S256":
            return HTMLResponse("<h1>Only S256 code challenges are accepted</h1>", status_code=400)
        return self._authorization(request, q.get("scope") or "all", challenge)

    async def _token(self, request: Request) -> Response:
        """Form body only; client auth by HTTP Basic or in the body."""
        form = await client_form(request, (self.client_id, self.client_secret))
        if isinstance(form, Response):
            return form
        grant_type = form.get("grant_type")
        if grant_type not in ("authorization_code", "refresh_token"):
            return json_error(400, "unsupported_grant_type")
        with self._lock:
            if grant_type == "authorization_code":
                issued = self._exchange(form)
            else:
                issued = self._tokens.rotate(form.get("refresh_token", ""), self.access_lifetime)
        if issued is None:
            return json_error(400, "invalid_grant")
        access, refresh, grant = issued
        answer = {"access_token": access, "expires_in": round(self.access_lifetime)}
        answer |= {"token_type": "Bearer", "scope": grant.scope}
        return JSONResponse(answer | {"refresh_token": refresh})

    def _exchange(self, form: dict[str, str]) -> Issued | None:
        """Consume the code; redirect URI and PKCE verifier must match (caller holds the lock)."""
        code = self._codes.pop(form.get("code", ""), None)
        if code is None or form.get("redirect_uri") != code.redirect_uri:
            return None
        verifier = form.get("code_verifier", "")
        if code.challenge and not (VERIFIER.match(verifier) and s256(verifier) == code.challenge):
            return None
        grant = self._tokens.new_grant(code.person, code.scope, self.access_lifetime)
        return self._tokens.issue("authorization_code", grant)

    # ---- API ------------------------------------------------------------------------------

    async def _guard(self, request: Request, needs: str = "") -> Grant | Response:
        """The bearer token and (when given) a scope it must cover."""
        admitted = self._admit(request)
        if admitted is None or admitted.person is None:
            return JSONResponse(UNAUTHENTICATED, status_code=401)
        if needs and not allows(admitted.scope, needs):
            return JSONResponse(FORBIDDEN, status_code=403)
        return admitted

    async def _me(self, request: Request) -> Response:
        """The signed-in user's profile."""
        grant = await self._guard(request, "userprofile:read")
        if isinstance(grant, Response):
            return grant
        with self._lock:
            person = self._people.get(str(grant.person))
        if person is None:
            return JSONResponse({"detail": "Not found."}, status_code=404)
        return JSONResponse(profile_json(person, base_of(request)))

    async def _graphql(self, request: Request) -> Response:
        """profiles(user_Email:) and badges(first:); anything else answers `errors` with 200."""
        grant = await self._guard(request)
        if isinstance(grant, Response):
            return grant
        body = await json_body(request)
        if body is None or not isinstance(body.get("query"), str):
            return JSONResponse({"errors": [{"message": "Must provide query string."}]}, 400)
        variables = body.get("variables") or {}
        if not isinstance(variables, dict):
            return JSONResponse({"errors": [{"message": "variables must be an object"}]}, 400)
        with self._lock:
            people = list(self._people.values())
        answer = graphql(body["query"], variables, people, self.badges, base_of(request))
        return JSONResponse(answer)

    async def _recognitions(self, request: Request) -> Response:
        """GET: every recognition in the network (on `created__date`, if given), newest first,
        DRF-paged; other filters are refused. POST: send one."""
        if request.method == "POST":
            return await self._send(request)
        grant = await self._guard(request, "recognition:read")
        if isinstance(grant, Response):
            return grant
        problem = listing_problem(request)
        if problem is not None:
            return JSONResponse(problem, status_code=400)
        day = request.query_params.get("created__date")
        with self._lock:
            found = [r for r in self._sent if created_on(r, day)]
            views = [recognition_json(r, self._people, base_of(request)) for r in found]
        return JSONResponse(drf_page(request, views[::-1], self.page_cap))

    async def _send(self, request: Request) -> Response:
        """One recipient per request (the ASSUMED endpoint); JSON body only."""
        grant = await self._guard(request, "recognition:write")
        if isinstance(grant, Response):
            return grant
        body = await json_body(request)
        if body is None:
            media = request.headers.get("content-type", "")
            return JSONResponse({"detail": f'Unsupported media type "{media}" in request.'}, 415)
        sender = str(grant.person)
        with self._lock:
            errors = invalid_recognition(body, sender, self._people, self.badges)
            if errors:
                return JSONResponse(errors, status_code=400)
            badge = None if body.get("badge") is None else str(body["badge"])
            record = self._record(sender, [str(body["recipient"])], body["message"], badge)
            view = recognition_json(record, self._people, base_of(request))
        return JSONResponse(view, status_code=201)
