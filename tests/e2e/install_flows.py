"""Multi-workspace steps: installing through the browser, and requests from a given workspace
or org, shaped as Slack sends them (org-wide: `team` null, `user.team_id` the home workspace)."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from testkit.bot_process import BotProcess
from testkit.fakes.slack import FakeSlack
from testkit.fakes.slack_oauth import Consent
from testkit.flows import element, text_of
from testkit.support import block_action, sign, slash_command, wait_until

COOKIE = "slack-app-oauth-state"


def multi_workspace_env(bot_env: dict[str, str], slack: FakeSlack) -> dict[str, str]:
    """The bot's environment with client credentials instead of a bot token."""
    env = {k: v for k, v in bot_env.items() if k != "SLACK_BOT_TOKEN"}
    return env | {
        "SLACK_CLIENT_ID": slack.installs.client_id,
        "SLACK_CLIENT_SECRET": slack.installs.client_secret,
        "SLACK_AUTHORIZE_URL": f"{slack.base_url}/oauth/v2/authorize",
    }


@dataclass(frozen=True)
class Where:
    """The workspace a request comes from, and the org-wide install it reaches the bot through."""

    team: str
    enterprise: str | None = None
    org_wide: bool = False


def start_install(bot: BotProcess) -> tuple[str, str]:
    """GET /slack/install: (the consent page's URL, the state cookie's value)."""
    start = httpx.get(f"{bot.base_url}/slack/install")
    assert start.status_code == 302, start.text
    cookie = start.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}="), cookie
    return start.headers["location"], cookie.split(";")[0].partition("=")[2]


def approve(consent_url: str) -> str:
    """Slack's consent page, approved: the redirect back to the bot (code and state)."""
    back = httpx.get(consent_url)
    assert back.status_code == 302, back.text
    return back.headers["location"]


def install(bot: BotProcess, consent: Consent) -> httpx.Response:
    """An admin adds the app to a workspace (or org) in one browser; the final page."""
    bot.slack.installs.consent = consent
    consent_url, state = start_install(bot)
    return httpx.get(approve(consent_url), cookies={COOKIE: state})


def _enterprise_fields(where: Where) -> dict[str, str]:
    if where.enterprise is None:
        return {}
    org = "true" if where.org_wide else "false"
    return {"enterprise_id": where.enterprise, "is_enterprise_install": org}


def command_from(bot: BotProcess, where: Where, name: str, text: str, user: str) -> httpx.Response:
    """A slash command typed in `where`; its response_url records under `user`@team."""
    url = bot.slack.response_url(f"{user}@{where.team}")
    body = slash_command(name, text, user_id=user, team_id=where.team, response_url=url)
    fields = dict(parse_qsl(body.decode())) | _enterprise_fields(where)
    return bot.post_signed(urlencode(fields).encode())


def action_from(
    bot: BotProcess, where: Where, action_id: str, value: str, user: str
) -> httpx.Response:
    """A button pressed in `where` (org-wide: no `team`, the user's home team instead)."""
    url = bot.slack.response_url(f"{user}@{where.team}")
    body = block_action(action_id, value, user_id=user, team_id=where.team, response_url=url)
    payload: dict[str, Any] = json.loads(dict(parse_qsl(body.decode()))["payload"])
    if where.enterprise is not None:
        payload["enterprise"] = {"id": where.enterprise, "name": "Org"}
        payload["is_enterprise_install"] = where.org_wide
        payload["user"]["team_id"] = where.team
        if where.org_wide:
            payload["team"] = None
    return bot.post_signed(urlencode({"payload": json.dumps(payload)}).encode())


def reply_in(bot: BotProcess, where: Where, user: str, seen: int = 0) -> dict[str, Any]:
    """The next message posted to the response_url of `user`'s request in `where`."""
    replies = wait_until(lambda: bot.slack.responses(f"{user}@{where.team}")[seen:] or None)
    reply: dict[str, Any] = replies[0]
    return reply


def answer(bot: BotProcess, where: Where, name: str, text: str, user: str) -> dict[str, Any]:
    """A command's answer: the ack's message, else the first response_url message."""
    seen = len(bot.slack.responses(f"{user}@{where.team}"))
    response = command_from(bot, where, name, text, user)
    assert response.status_code == 200, response.text
    if response.content and "Looking that up" not in response.text:
        is_json = response.headers.get("content-type", "").startswith("application/json")
        ack: dict[str, Any] = response.json() if is_json else {"text": response.text}
        return ack
    return reply_in(bot, where, user, seen)


def link_in(bot: BotProcess, where: Where, user: str = "U_ANA") -> None:
    """`/kudos link` in `where`, through the platform's page back to the callback page."""
    prompt = answer(bot, where, "/kudos", "link", user)
    published = len(bot.slack.calls("views.publish"))
    page = httpx.get(element(prompt["blocks"], "link_open")["url"], follow_redirects=True)
    assert page.status_code == 200, page.text
    wait_until(lambda: len(bot.slack.calls("views.publish")) > published)


def said(message: dict[str, Any]) -> str:
    return text_of(message)


def event_from(bot: BotProcess, where: Where, event: dict[str, Any]) -> httpx.Response:
    """An Events API envelope from `where`, as Slack signs and posts it (JSON)."""
    org = where.org_wide
    envelope = {
        "type": "event_callback",
        "team_id": where.team,
        "enterprise_id": where.enterprise,
        "is_enterprise_install": org,
        "api_app_id": "A_KUDOS",
        "event_id": f"Ev{secrets.token_hex(6).upper()}",
        "event_time": int(time.time()),
        "authorizations": [
            {"enterprise_id": where.enterprise, "team_id": None if org else where.team,
             "user_id": "U_BOT", "is_bot": True, "is_enterprise_install": org}
        ],
        "event": event,
    }  # fmt: skip
    body = json.dumps(envelope).encode()
    headers = sign(bot.signing_secret, body) | {"Content-Type": "application/json"}
    return httpx.post(f"{bot.base_url}/slack/events", content=body, headers=headers)
