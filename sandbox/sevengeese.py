"""The simulated 7Geese network: OAuth with a consent page (form body, HTTP Basic client auth,
PKCE, rotating refresh tokens), REST v2.0 and GraphQL, in the shapes the tests' fake answers."""

from __future__ import annotations

from html import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from sandbox import platform_pages as pages
from sandbox.consent import Consent
from sandbox.network import Grant, Network
from sandbox.people import BY_MEMBER_ID, avatar_svg
from sandbox.platform_web import base_of, client_auth, form_of, json_error, json_object
from sandbox.sevengeese_data import (
    BADGES,
    allows,
    created_on,
    drf_page,
    invalid_recognition,
    listing_problem,
    profile_json,
    recognition_json,
)
from sandbox.sevengeese_graphql import graphql

ACCESS_LIFETIME = 36000.0
UNAUTHENTICATED = {"detail": "Authentication credentials were not provided."}
FORBIDDEN = {"detail": "You do not have permission to perform this action."}


class SimulatedSevenGeese:
    """One 7Geese network whose OAuth client is the bot; `redirect_uri` is the registered one."""

    def __init__(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.client = (client_id, client_secret)
        self.consent = Consent("7Geese", client_id, redirect_uri)
        self.network = Network([str(pk) for pk, _, active in BADGES if active], ACCESS_LIFETIME)
        self.app = Starlette(
            routes=[
                Route("/o/authorize/", self.authorize, methods=["GET", "POST"]),
                Route("/o/token/", self.token, methods=["POST"]),
                Route("/api/v/2.0/userprofiles/me/", self.me),
                Route("/graphql", self.graphql, methods=["POST"]),
                Route("/api/v/2.0/recognitions/", self.recognitions, methods=["GET", "POST"]),
                Route("/recognition/{number:int}/", self.page),
                Route("/media/avatars/{member}.png", self.avatar),
            ]
        )

    async def authorize(self, request: Request) -> Response:
        def new_code(account: str, fields: dict[str, str]) -> str:
            scope, challenge = fields.get("scope") or "all", fields.get("code_challenge", "")
            return self.network.new_code(account, scope, challenge)

        return await self.consent.authorize(request, new_code)

    async def token(self, request: Request) -> Response:
        """Form body; the client by HTTP Basic (RFC 6749 §2.3.1) or in the body."""
        form = dict(await form_of(request) or [])
        if not form:
            return json_error(400, "invalid_request", "the body must be form-encoded")
        if client_auth(request, form) != self.client:
            return json_error(401, "invalid_client")
        issued = self.network.exchange(form)
        if isinstance(issued, str):
            return json_error(400, issued)
        access, refresh, grant = issued
        answer = {"access_token": access, "expires_in": int(ACCESS_LIFETIME), "scope": grant.scope}
        return JSONResponse(answer | {"token_type": "Bearer", "refresh_token": refresh})

    def guard(self, request: Request, needs: str = "") -> Grant | Response:
        kind, _, token = request.headers.get("authorization", "").partition(" ")
        grant = self.network.grant(token.strip()) if kind.lower() == "bearer" else None
        if grant is None:
            return JSONResponse(UNAUTHENTICATED, status_code=401)
        if needs and not allows(grant.scope, needs):
            return JSONResponse(FORBIDDEN, status_code=403)
        return grant

    async def me(self, request: Request) -> Response:
        grant = self.guard(request, "userprofile:read")
        if isinstance(grant, Response):
            return grant
        return JSONResponse(profile_json(BY_MEMBER_ID[grant.member], base_of(request)))

    async def graphql(self, request: Request) -> Response:
        """profiles(user_Email:) and badges(first:, after:), as the fake answers them."""
        grant = self.guard(request)
        if isinstance(grant, Response):
            return grant
        body = await json_object(request)
        if body is None or not isinstance(body.get("query"), str):
            return JSONResponse({"errors": [{"message": "Must provide query string."}]}, 400)
        variables = body.get("variables")
        variables = variables if isinstance(variables, dict) else {}
        people = BY_MEMBER_ID.values()
        return JSONResponse(graphql(body["query"], variables, people, BADGES, base_of(request)))

    async def recognitions(self, request: Request) -> Response:
        """GET: the network's recognitions (on `created__date`), newest first; POST: send one."""
        grant = self.guard(
            request, f"recognition:{'write' if request.method == 'POST' else 'read'}"
        )
        if isinstance(grant, Response):
            return grant
        base = base_of(request)
        if request.method == "POST":
            return await self.send(request, grant, base)
        problem = listing_problem(request)
        if problem is not None:
            return JSONResponse(problem, status_code=400)
        day = request.query_params.get("created__date")
        found = [r for r in self.network.involving(None) if created_on(r, day)]
        return JSONResponse(
            drf_page(request, [recognition_json(r, BY_MEMBER_ID, base) for r in found])
        )

    async def send(self, request: Request, grant: Grant, base: str) -> Response:
        """One recipient per request: JSON `{recipient, badge, message}`."""
        body = await json_object(request)
        if body is None:
            return JSONResponse({"detail": "Unsupported media type in request."}, 415)
        errors = invalid_recognition(body, grant.member, BY_MEMBER_ID, BADGES)
        if errors:
            return JSONResponse(errors, status_code=400)
        badge = None if body.get("badge") is None else str(body["badge"])
        record = self.network.record(grant.member, [str(body["recipient"])], body["message"], badge)
        return JSONResponse(recognition_json(record, BY_MEMBER_ID, base), status_code=201)

    async def page(self, request: Request) -> Response:
        found = self.network.find(request.path_params["number"])
        if found is None:
            return HTMLResponse(pages.refusal_page("No such recognition.", "7Geese"), 404)
        giver, to = (BY_MEMBER_ID[m].name for m in (found["sender"], found["recipients"][0]))
        text = f"{giver} recognized {to}: {found['message']}"
        return HTMLResponse(pages.document("Recognition", f"<p>{escape(text)}</p>", "7Geese"))

    async def avatar(self, request: Request) -> Response:
        person = BY_MEMBER_ID.get(request.path_params["member"])
        if person is None:
            return Response(status_code=404)
        return Response(avatar_svg(person.initials, person.color), media_type="image/svg+xml")
