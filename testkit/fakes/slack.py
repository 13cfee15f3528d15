"""A fake of the Slack Web API and of `response_url` webhooks, served over HTTP. Like Slack, it
refuses blocks and views that break Block Kit's limits (testkit/fakes/slack_limits.py)."""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from testkit.fakes.server import FakeServer, form_of
from testkit.fakes.slack_history import SlackHistory
from testkit.fakes.slack_limits import blocks_problem, content_problem
from testkit.fakes.slack_oauth import GRANTED_SCOPES, SlackInstalls

Params = dict[str, Any]
JSON_FIELDS = ("blocks", "attachments", "view", "metadata", "outputs")


class FakeSlack(FakeServer):
    """Slack Web API at `{base_url}/api/<method>`; response URLs at `{base_url}/response/<key>`."""

    def __init__(self, bot_token: str, *, team_id: str = "T1", bot_user_id: str = "U_BOT"):
        self.bot_token, self.team_id, self.bot_user_id = bot_token, team_id, bot_user_id
        self.not_in_channel: set[str] = set()
        self.history = SlackHistory()  # messages people react to; workflow steps completed
        self.step_tokens: set[str] = set()  # `bot_access_token`s of function executions
        self.scopes: list[str] = list(GRANTED_SCOPES)
        self.lists_scopes = True  # False: answers carry no x-oauth-scopes header
        self._users: dict[str, Params] = {}
        self.installs = SlackInstalls()  # multi-workspace mode: the apps installed, their tokens
        self._calls: list[tuple[str, Params]] = []
        self._responses: list[tuple[str, Any]] = []
        self._refused: list[tuple[str, str]] = []
        self._tokens: list[tuple[str, str]] = []
        self._expired: set[str] = set()
        self._lock = threading.Lock()
        self._ts = itertools.count(100, 100)
        self._methods: dict[str, Callable[[Params], Params]] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": lambda p: {"ok": True, "channel": p.get("channel"), "ts": p.get("ts")},
            "views.open": self._view,
            "views.publish": self._view,
            "views.update": self._view,
            "conversations.open": self._conversations_open,
        } | self.history.methods()
        self.app = self._faulty(
            Starlette(
                routes=[
                    Route("/api/{method}", self._api, methods=["GET", "POST"]),
                    Route("/response/{key}", self._response, methods=["POST"]),
                    Route("/oauth/v2/authorize", self.installs.authorize_page, methods=["GET"]),
                ]
            )
        )

    # ---- test API -------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        email: str | None,
        *,
        real_name: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
        team_id: str = "T1",
    ) -> None:
        """Add a workspace member that `users.info` will describe (email None: no email)."""
        real = real_name or name
        image = f"https://avatars.example.com/{user_id}_72.png"
        profile: Params = {"real_name": real, "display_name": name, "image_72": image}
        if email is not None:
            profile["email"] = email
        user: Params = {"id": user_id, "team_id": team_id, "name": name, "real_name": real}
        user |= {"deleted": deleted, "is_bot": is_bot, "profile": profile}
        with self._lock:
            self._users[user_id] = user

    def calls(self, method: str) -> list[Params]:
        """Decoded parameters of every authenticated call of `method`, oldest first."""
        with self._lock:
            return [params for name, params in self._calls if name == method]

    def tokens(self, method: str) -> list[str]:
        """The token each call of `method` was made with, oldest first."""
        with self._lock:
            return [token for name, token in self._tokens if name == method]

    def responses(self, key: str) -> list[Any]:
        """Every JSON body posted to `response_url(key)`, oldest first."""
        with self._lock:
            return [body for name, body in self._responses if name == key]

    def refused(self) -> list[tuple[str, str]]:
        """(method or response_url key, why) of every message or view refused for its content."""
        with self._lock:
            return list(self._refused)

    def expire_response_url(self, key: str) -> None:
        """From now on `response_url(key)` answers 404 `expired_url`, as Slack's does once it
        is 30 minutes old or used up."""
        with self._lock:
            self._expired.add(key)

    def response_url(self, key: str) -> str:
        """A response_url that records what is posted to it under `key` (needs `base_url`)."""
        assert self.base_url, "FakeSlack is not being served"
        return f"{self.base_url}/response/{key}"

    # ---- HTTP -----------------------------------------------------------------------------

    async def _api(self, request: Request) -> Response:
        """Dispatch one Web API call after checking the bot token."""
        try:
            params = await _decode_params(request)
        except ValueError:
            return JSONResponse({"ok": False, "error": "invalid_json"})
        method = request.path_params["method"]
        if method == "oauth.v2.access":
            return JSONResponse(self.installs.access(request, params))
        token = _token(request, params)
        minted = self.installs.owner(token)
        if token != self.bot_token and token not in self.step_tokens and minted is None:
            with self._lock:
                self._tokens.append(("(refused)", token or ""))
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        with self._lock:
            self._calls.append((method, params))
            self._tokens.append((method, token or ""))
        if method == "auth.test" and minted is not None:
            scopes = {"x-oauth-scopes": ",".join(GRANTED_SCOPES)}  # what the install granted
            return JSONResponse(self.installs.auth_test(minted), headers=scopes)
        handler = self._methods.get(method)
        if handler is None:
            return JSONResponse({"ok": False, "error": "unknown_method"})
        scopes = {"x-oauth-scopes": ",".join(self.scopes)} if self.lists_scopes else {}
        refusal = self._refusal(method, params)
        if refusal is not None:
            return JSONResponse({"ok": False, "error": refusal}, headers=scopes)
        return JSONResponse(handler(params), headers=scopes)

    def _refusal(self, method: str, params: Params) -> str | None:
        """Slack's error for a message or view whose content breaks a limit, else None."""
        error, problem = content_problem(method, params)
        if error is not None:
            with self._lock:
                self._refused.append((method, problem))
        return error

    async def _response(self, request: Request) -> Response:
        """Record a response_url post as Slack does (answering a plain "ok")."""
        try:
            body = json.loads(await request.body())
        except ValueError:
            return PlainTextResponse("invalid_payload", status_code=400)
        key = request.path_params["key"]
        problem = blocks_problem(body.get("blocks")) if isinstance(body, dict) else None
        with self._lock:
            if key in self._expired:
                self._refused.append((key, "expired_url"))
                return PlainTextResponse("expired_url", status_code=404)
            if problem is not None:
                self._refused.append((key, problem))
                return PlainTextResponse("invalid_blocks", status_code=400)
            self._responses.append((key, body))
        return PlainTextResponse("ok")

    # ---- methods --------------------------------------------------------------------------

    def _next_ts(self) -> str:
        """A unique, increasing message timestamp."""
        with self._lock:
            n = next(self._ts)
        return f"{1700000000 + n // 1_000_000}.{n % 1_000_000:06d}"

    def _auth_test(self, params: Params) -> Params:
        """The bot's identity."""
        return {
            "ok": True,
            "url": "https://fake-team.slack.com/",
            "team": "Fake Team",
            "user": "kudosbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": "B_BOT",
        }

    def _users_info(self, params: Params) -> Params:
        """One user's record, or user_not_found."""
        with self._lock:
            user = self._users.get(str(params.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": json.loads(json.dumps(user))}

    def _post_message(self, params: Params) -> Params:
        """Post to a channel the bot is in."""
        channel = str(params.get("channel", ""))
        if channel in self.not_in_channel:
            return {"ok": False, "error": "not_in_channel"}
        ts = self._next_ts()
        message = {"type": "message", "text": params.get("text", ""), "ts": ts}
        message |= {"user": self.bot_user_id, "bot_id": "B_BOT", "blocks": params.get("blocks")}
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _post_ephemeral(self, params: Params) -> Params:
        """Only in a channel the bot is in (Slack answers not_in_channel otherwise)."""
        if str(params.get("channel", "")) in self.not_in_channel:
            return {"ok": False, "error": "not_in_channel"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _view(self, params: Params) -> Params:
        """Open, publish or update a view; each answer carries a fresh `hash`, as Slack's do."""
        view = params.get("view")
        view = dict(view) if isinstance(view, dict) else {}
        view_id = params.get("view_id") or f"V{self._next_ts().replace('.', '')}"
        assigned = {
            "id": view_id,
            "team_id": self.team_id,
            "hash": f"{time.time():.6f}.{secrets.token_hex(4)}",
        }
        return {"ok": True, "view": view | assigned}

    def _conversations_open(self, params: Params) -> Params:
        """Open a DM with the (first) given user."""
        user = str(params.get("users", "")).split(",")[0]
        return {"ok": True, "channel": {"id": f"D{user}"}}


def _token(request: Request, params: Params) -> str | None:
    """The bearer token from the header, else a `token` parameter."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value:
        return value
    token = params.pop("token", None)
    return str(token) if token is not None else None


async def _decode_params(request: Request) -> Params:
    """Merge query string and a form or JSON body; decode JSON-string fields such as blocks."""
    params: Params = dict(request.query_params)
    ctype = request.headers.get("content-type", "")
    if request.method == "POST" and ctype.startswith("application/json"):
        body = json.loads(await request.body() or b"{}")
        params |= body if isinstance(body, dict) else {}
    elif request.method == "POST":
        params |= dict(await form_of(request) or [])
    for field in JSON_FIELDS:
        if isinstance(params.get(field), str):
            params[field] = _maybe_json(params[field])
    return params


def _maybe_json(text: str) -> Any:
    """Decode `text` as JSON, keeping it as is when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return text
