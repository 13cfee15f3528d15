"""The simulated Achievers: OAuth with a consent page, and the Open API v5 paths the bot uses."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from sandbox import platform_pages as pages
from sandbox.consent import Consent
from sandbox.people import BY_MEMBER_ID, avatar_svg
from sandbox.platform_data import (
    MODULES,
    Grant,
    Program,
    member_json,
    recognition_json,
    search,
)
from sandbox.platform_web import base_of, form_of, json_error, json_object, paged

AUTHORIZE = "/oauth/v2/openIDConnectClient/authorize"
TOKEN = "/oauth/v2/openIDConnectClient/token"


class SimulatedPlatform:
    """One Achievers program whose OAuth client is the bot; `redirect_uri` is the registered one."""

    def __init__(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.consent = Consent("Achievers", client_id, redirect_uri)
        self.program = Program()
        self.app = Starlette(
            routes=[
                Route("/", self.newsfeed),
                Route("/event/{number:int}", self.event),
                Route("/avatars/{member}.svg", self.avatar),
                Route(AUTHORIZE, self.authorize, methods=["GET", "POST"]),
                Route(TOKEN, self.token, methods=["POST"]),
                Route("/api/v5/current-member", self.current_member),
                Route("/api/v5/users", self.users),
                Route("/api/v5/users/{member}", self.user),
                Route(
                    "/api/v5/recognitions", self.recognitions, methods=["GET", "POST", "OPTIONS"]
                ),
            ]
        )

    # ---- pages ----------------------------------------------------------------------------

    async def newsfeed(self, request: Request) -> Response:
        return HTMLResponse(pages.newsfeed_page(self.program.listed(None)))

    async def event(self, request: Request) -> Response:
        found = self.program.find(request.path_params["number"])
        if found is None:
            return HTMLResponse(pages.refusal_page("No such recognition."), 404)
        return HTMLResponse(pages.newsfeed_page([found], "Recognition"))

    async def avatar(self, request: Request) -> Response:
        person = BY_MEMBER_ID.get(request.path_params["member"])
        if person is None:
            return Response(status_code=404)
        return Response(avatar_svg(person.initials, person.color), media_type="image/svg+xml")

    # ---- OAuth ----------------------------------------------------------------------------

    async def authorize(self, request: Request) -> Response:
        def new_code(account: str, fields: dict[str, str]) -> str:
            return self.program.new_code(account, fields.get("scope") or "read")

        return await self.consent.authorize(request, new_code)

    async def token(self, request: Request) -> Response:
        """Exchange a code for an access token: a JSON body, as Achievers requires."""
        body = await json_object(request)
        if body is None or "json" not in request.headers.get("content-type", ""):
            return json_error(400, "invalid_request", "the request body must be a JSON object")
        if (body.get("client_id"), body.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return json_error(401, "invalid_client")
        if body.get("grant_type") != "authorization_code":
            return json_error(400, "unsupported_grant_type")
        redeemed = self.program.redeem(str(body.get("code")))
        if redeemed is None:
            return json_error(400, "invalid_grant", "unknown, used or expired code")
        token, grant = self.program.issue(*redeemed)
        expires = int(grant.expires_at)  # a UNIX timestamp, as Achievers documents it
        answer = {"access_token": token, "expires_in": expires, "token_type": "Bearer"}
        return JSONResponse(answer | {"scope": grant.scope})

    # ---- API ------------------------------------------------------------------------------

    def guard(self, request: Request, scope: str = "read") -> Grant | Response:
        """The request's live bearer token with `scope`, or the error to answer."""
        kind, _, token = request.headers.get("authorization", "").partition(" ")
        grant = self.program.grant(token.strip()) if kind.lower() == "bearer" else None
        if grant is None:
            return json_error(401, "invalid_token", "missing, unknown or expired access token")
        if scope not in grant.scope.split():
            return json_error(403, "insufficient_scope", f"this call needs the {scope} scope")
        return grant

    async def current_member(self, request: Request) -> Response:
        grant = self.guard(request)
        if isinstance(grant, Response):
            return grant
        return JSONResponse(member_json(BY_MEMBER_ID[grant.member], base_of(request)))

    async def users(self, request: Request) -> Response:
        grant = self.guard(request)
        if isinstance(grant, Response):
            return grant
        found = [
            member_json(p, base_of(request)) for p in search(request.query_params.get("q", ""))
        ]
        return paged(request, found)

    async def user(self, request: Request) -> Response:
        grant = self.guard(request)
        if isinstance(grant, Response):
            return grant
        person = BY_MEMBER_ID.get(request.path_params["member"])
        if person is None:
            return json_error(404, "not_found", "no such user")
        return JSONResponse(member_json(person, base_of(request)))

    async def recognitions(self, request: Request) -> Response:
        """OPTIONS: modules and criteria; POST: send (form body, `write`); GET: list."""
        grant = self.guard(request, "write" if request.method == "POST" else "read")
        if isinstance(grant, Response):
            return grant
        if request.method == "OPTIONS":
            return JSONResponse({"items": MODULES})
        base = base_of(request)
        if request.method == "GET":
            listed = self.program.listed(request.query_params.get("userId"))
            return paged(request, [recognition_json(r, base) for r in listed])
        fields = await form_of(request)
        if fields is None:
            return json_error(400, "invalid_request", "the request body must be form-encoded")
        sent = self.program.send(grant.member, fields)
        if isinstance(sent, str):
            return json_error(400, "invalid_request", sent)
        return JSONResponse(recognition_json(sent, base))
