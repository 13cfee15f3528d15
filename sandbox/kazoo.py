"""The simulated YouEarnedIt (KazooHR) company: OAuth with a consent page (token parameters in
the query string, refresh tokens) and API v3, in the shapes the tests' fake answers."""

from __future__ import annotations

import time
from html import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from sandbox import platform_pages as pages
from sandbox.consent import Consent
from sandbox.kazoo_data import (
    COMPANY_VALUES,
    errors,
    invalid_recognition,
    paged,
    recipients_of,
    recognition_json,
    unknown_params,
    user_json,
)
from sandbox.network import Grant, Network
from sandbox.people import BY_MEMBER_ID, avatar_svg
from sandbox.platform_web import base_of, json_error, json_object

ACCESS_LIFETIME = 1209600.0
BRAND = "YouEarnedIt"


class SimulatedKazoo:
    """One company whose OAuth client is the bot; `redirect_uri` is the registered one."""

    def __init__(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.client = (client_id, client_secret)
        self.consent = Consent(BRAND, client_id, redirect_uri)
        self.network = Network([str(v["id"]) for v in COMPANY_VALUES], ACCESS_LIFETIME)
        self.app = Starlette(
            routes=[
                Route("/oauth/authorize", self.authorize, methods=["GET", "POST"]),
                Route("/oauth/token", self.token, methods=["POST"]),
                Route("/api/v3/users/me", self.me),
                Route("/api/v3/users/{id:int}", self.user),
                Route("/api/v3/users", self.users),
                Route("/api/v3/company_values", self.values),
                Route("/api/v3/recognitions", self.recognitions, methods=["GET", "POST"]),
                Route("/recognitions/{number:int}", self.page),
                Route("/avatars/{member}.png", self.avatar),
            ]
        )

    async def authorize(self, request: Request) -> Response:
        def new_code(account: str, fields: dict[str, str]) -> str:
            return self.network.new_code(account, "API")

        return await self.consent.authorize(request, new_code)

    async def token(self, request: Request) -> Response:
        """Every parameter in the query string, the client's included."""
        q = dict(request.query_params)
        if (q.get("client_id"), q.get("client_secret")) != self.client:
            return json_error(401, "invalid_client")
        issued = self.network.exchange(q)
        if isinstance(issued, str):
            return json_error(400, issued)
        access, refresh, _ = issued
        answer = {"access_token": access, "token_type": "Bearer", "refresh_token": refresh}
        return JSONResponse(
            answer | {"expires_in": int(ACCESS_LIFETIME), "created_at": int(time.time())}
        )

    def guard(self, request: Request) -> Grant | Response:
        """A live bearer token, the JSON content type, and only parameters the path takes."""
        kind, _, token = request.headers.get("authorization", "").partition(" ")
        grant = self.network.grant(token.strip()) if kind.lower() == "bearer" else None
        if grant is None:
            return errors(401, "The access token is invalid or expired")
        if not request.headers.get("content-type", "").startswith("application/json"):
            return errors(415, "Content-Type must be application/json")
        return unknown_params(request) or grant

    async def me(self, request: Request) -> Response:
        grant = self.guard(request)
        if isinstance(grant, Response):
            return grant
        return JSONResponse(user_json(BY_MEMBER_ID[grant.member], base_of(request)))

    async def user(self, request: Request) -> Response:
        grant = self.guard(request)
        person = BY_MEMBER_ID.get(str(request.path_params["id"]))
        if isinstance(grant, Response) or person is None:
            return grant if isinstance(grant, Response) else errors(404, "user not found")
        return JSONResponse(user_json(person, base_of(request)))

    async def users(self, request: Request) -> Response:
        """Users, optionally with this exact e-mail (case-insensitive), paged."""
        grant = self.guard(request)
        if isinstance(grant, Response):
            return grant
        email = (request.query_params.get("email") or "").lower()
        found = [p for p in BY_MEMBER_ID.values() if not email or p.email == email]
        return paged(request, [user_json(p, base_of(request)) for p in found])

    async def values(self, request: Request) -> Response:
        grant = self.guard(request)
        return grant if isinstance(grant, Response) else paged(request, list(COMPANY_VALUES))

    async def recognitions(self, request: Request) -> Response:
        """GET: what `user_id` gave or received, newest first. POST: send from the token's user."""
        grant = self.guard(request)
        if isinstance(grant, Response):
            return grant
        base = base_of(request)
        if request.method == "GET":
            found = self.network.involving(request.query_params.get("user_id"))
            return paged(request, [recognition_json(r, base) for r in found])
        body = await json_object(request)
        if body is None:
            return errors(400, "the body must be a JSON object")
        problems = invalid_recognition(body, grant.member, BY_MEMBER_ID)
        if problems:
            return errors(422, *problems)
        value = body.get("company_value_id")
        recipients = recipients_of(body) or []
        record = self.network.record(
            grant.member, recipients, body["message"], None if value is None else str(value)
        )
        return JSONResponse(recognition_json(record, base), status_code=201)

    async def page(self, request: Request) -> Response:
        found = self.network.find(request.path_params["number"])
        if found is None:
            return HTMLResponse(pages.refusal_page("No such recognition.", BRAND), 404)
        text = f"{BY_MEMBER_ID[found['sender']].name}: {found['message']}"
        return HTMLResponse(pages.document("Recognition", f"<p>{escape(text)}</p>", BRAND))

    async def avatar(self, request: Request) -> Response:
        person = BY_MEMBER_ID.get(request.path_params["member"])
        if person is None:
            return Response(status_code=404)
        return Response(avatar_svg(person.initials, person.color), media_type="image/svg+xml")
