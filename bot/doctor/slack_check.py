"""Slack: the bot token works through SLACK_API_URL and carries every scope the manifest asks."""

from __future__ import annotations

import re

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.doctor.result import Check, Result, failed, passed
from bot.services import Services

# The bot scopes of manifest.yml (tests/test_manifest.py keeps the two equal).
BOT_SCOPES = frozenset(
    {"commands", "chat:write", "chat:write.public", "users:read", "users:read.email"}
    | {"reactions:read", "channels:history", "groups:history"}  # recognize with a reaction
)
SCOPES_HEADER = "x-oauth-scopes"  # Slack's Web API names the token's scopes in every answer
TOKEN_PAGE = "your app's OAuth & Permissions page"


def _error_code(error: SlackApiError) -> str:
    """Slack's error code (e.g. invalid_auth), when it looks like one."""
    code = str(error.response.get("error", ""))
    return code if re.fullmatch(r"[a-z_.]{1,60}", code) else "an error"


async def slack_token(services: Services) -> Result:
    try:
        answer = await services.slack.auth_test()
    except SlackApiError as error:
        return failed(
            f"auth.test with SLACK_BOT_TOKEN answered {_error_code(error)}",
            f"copy the Bot User OAuth Token (xoxb-…) from {TOKEN_PAGE}",
        )
    except (SlackClientError, aiohttp.ClientError, OSError, ValueError):
        return failed(
            "no usable answer from SLACK_API_URL",
            "leave SLACK_API_URL at https://slack.com/api/ and allow outbound HTTPS to it",
        )
    team, bot = answer.get("team") or "?", answer.get("user") or "?"
    header = answer.headers.get(SCOPES_HEADER)
    if header is None:
        return passed(f"works as {bot} in {team} (Slack did not list its scopes)")
    missing = BOT_SCOPES - {scope.strip() for scope in str(header).split(",")}
    if missing:
        return failed(
            f"works as {bot} in {team}, but lacks {', '.join(sorted(missing))}",
            f"add the scopes of manifest.yml on {TOKEN_PAGE} and reinstall the app",
        )
    return passed(f"works as {bot} in {team}, with every scope manifest.yml asks for")


CHECK = Check("Slack", slack_token)
