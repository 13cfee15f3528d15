"""The simulated Slack Web API (`/api/<method>`) and `response_url`s, for the bot's bot token."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from sandbox.people import BY_SLACK_ID
from sandbox.slack_history import HistoryMethods
from sandbox.slack_records import (
    BOT_ID,
    BOT_NAME,
    BOT_USER_ID,
    CHANNEL_ID,
    TEAM_DOMAIN,
    TEAM_ID,
    TEAM_NAME,
    Json,
    dm_of,
)
from sandbox.slack_views import Method, ViewMethods
from sandbox.workspace import Workspace

JSON_FIELDS = ("blocks", "attachments", "view")


def user_json(user_id: str, base: str) -> Json | None:
    """A `users.info` user: a demo person, or the bot (no e-mail)."""
    person = BY_SLACK_ID.get(user_id)
    if person is None and user_id != BOT_USER_ID:
        return None
    name, handle = (person.name, person.handle) if person else (BOT_NAME, "kudos_bridge")
    profile: Json = {"real_name": name, "display_name": handle}
    profile |= {"image_72": f"{base}/avatars/{user_id}.svg"}
    if person is not None:
        profile |= {"email": person.email, "title": person.title}
    user: Json = {"id": user_id, "team_id": TEAM_ID, "name": handle, "real_name": name}
    return user | {"deleted": False, "is_bot": person is None, "profile": profile}


async def params_of(request: Request) -> Json:
    """Query string plus a JSON or form body; JSON-string fields (blocks, view) decoded."""
    params: Json = dict(request.query_params)
    raw = await request.body()
    if request.headers.get("content-type", "").startswith("application/json") and raw:
        body = json.loads(raw)
        params |= body if isinstance(body, dict) else {}
    elif raw:
        params |= dict(parse_qsl(raw.decode(), keep_blank_values=True))
    for name in JSON_FIELDS:
        if isinstance(params.get(name), str):
            params[name] = json.loads(params[name])
    return params


class SlackApi:
    """Every Web API method the bot calls, acting on the workspace."""

    def __init__(self, workspace: Workspace, bot_token: str) -> None:
        self.workspace, self.bot_token = workspace, bot_token
        self.methods: dict[str, Method] = {
            "auth.test": self.auth_test,
            "users.info": self.users_info,
            "conversations.open": self.conversations_open,
            "chat.postMessage": self.post_message,
            "chat.postEphemeral": self.post_ephemeral,
            "chat.update": self.update_message,
            "chat.delete": self.delete_message,
        }
        self.methods |= ViewMethods(workspace).methods() | HistoryMethods(workspace).methods()
        self.routes = [
            Route("/api/{method}", self.api, methods=["GET", "POST"]),
            Route("/response/{key}", self.response_url, methods=["POST"]),
        ]

    async def api(self, request: Request) -> Response:
        """One Web API call, with the bot token (header or `token` parameter)."""
        try:
            params = await params_of(request)
        except (ValueError, UnicodeDecodeError):
            return JSONResponse({"ok": False, "error": "invalid_arguments"})
        kind, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip() if kind.lower() == "bearer" else str(params.pop("token", ""))
        if not token:
            return JSONResponse({"ok": False, "error": "not_authed"})
        if token != self.bot_token:
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        method = self.methods.get(request.path_params["method"])
        if method is None:
            return JSONResponse({"ok": False, "error": "unknown_method"})
        return JSONResponse(method(params, str(request.base_url).rstrip("/")))

    def auth_test(self, params: Json, base: str) -> Json:
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": TEAM_NAME,
            "user": "kudos_bridge",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def users_info(self, params: Json, base: str) -> Json:
        user = user_json(str(params.get("user", "")), base)
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def conversations_open(self, params: Json, base: str) -> Json:
        users = [u for u in str(params.get("users", "")).split(",") if u]
        if len(users) != 1 or users[0] not in BY_SLACK_ID:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": dm_of(users[0])}}

    def conversation(self, channel: str) -> str | None:
        """Where a message to `channel` goes: the channel, or a DM (named by user or DM id)."""
        if channel == CHANNEL_ID:
            return channel
        dms = {dm_of(user_id): dm_of(user_id) for user_id in BY_SLACK_ID}
        return dms.get(channel) or (dm_of(channel) if channel in BY_SLACK_ID else None)

    def post_message(self, params: Json, base: str) -> Json:
        """A message from the bot in the channel, or in a person's DM with it."""
        channel = self.conversation(str(params.get("channel", "")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("text") and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        text = str(params.get("text") or "")
        message = self.workspace.post(channel, BOT_USER_ID, text, params.get("blocks"))
        return {"ok": True, "channel": channel, "ts": message.ts, "message": message.to_json()}

    def post_ephemeral(self, params: Json, base: str) -> Json:
        """A message only `user` sees."""
        channel = self.conversation(str(params.get("channel", "")))
        user = str(params.get("user", ""))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if user not in BY_SLACK_ID:
            return {"ok": False, "error": "user_not_in_channel"}
        text = str(params.get("text") or "")
        message = self.workspace.post(channel, BOT_USER_ID, text, params.get("blocks"), user)
        return {"ok": True, "message_ts": message.ts}

    def update_message(self, params: Json, base: str) -> Json:
        """The bot edits one of its own (non-ephemeral) messages."""
        channel = self.conversation(str(params.get("channel", ""))) or ""
        message = self.workspace.message(channel, str(params.get("ts", "")))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if message.user != BOT_USER_ID or message.only_for is not None:
            return {"ok": False, "error": "cant_update_message"}
        self.workspace.replace(message, str(params.get("text") or ""), params.get("blocks"))
        return {"ok": True, "channel": channel, "ts": message.ts, "text": message.text}

    def delete_message(self, params: Json, base: str) -> Json:
        """The bot deletes one of its own messages."""
        channel = self.conversation(str(params.get("channel", ""))) or ""
        message = self.workspace.message(channel, str(params.get("ts", "")))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if message.user != BOT_USER_ID:
            return {"ok": False, "error": "cant_delete_message"}
        self.workspace.delete(message)
        return {"ok": True, "channel": channel, "ts": message.ts}

    async def response_url(self, request: Request) -> Response:
        """A message posted to a response_url: replace or delete the original, or add one."""
        try:
            body = json.loads(await request.body())
        except ValueError:
            return PlainTextResponse("invalid_payload", status_code=400)
        target, problem = self.workspace.use_response_url(request.path_params["key"])
        if target is None:
            return PlainTextResponse(problem, status_code=404)
        if not isinstance(body, dict):
            return PlainTextResponse("invalid_payload", status_code=400)
        original = self.workspace.message(target.channel, target.original or "")
        text, blocks = str(body.get("text") or ""), body.get("blocks")
        if original is not None and body.get("delete_original"):
            self.workspace.delete(original)
        elif original is not None and body.get("replace_original"):
            self.workspace.replace(original, text, blocks)
        elif not body.get("delete_original"):
            everyone = body.get("response_type") == "in_channel"
            only_for = None if everyone else target.user
            posted = self.workspace.post(target.channel, BOT_USER_ID, text, blocks, only_for)
            target.original = posted.ts
        return PlainTextResponse("ok")
