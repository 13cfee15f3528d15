"""Slack: the bot token works through SLACK_API_URL and carries every scope the manifest asks."""

from __future__ import annotations

import re

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.doctor.result import Check, NotChecked, Result, failed, passed
from bot.services import Services
from bot.slack import workspaces
from bot.slack.client import acting_for

BOT_SCOPES = frozenset(workspaces.BOT_SCOPES)  # manifest.yml's, asked for at install
SCOPES_HEADER = "x-oauth-scopes"  # Slack's Web API names the token's scopes in every answer
TOKEN_PAGE = "your app's OAuth & Permissions page"


def _error_code(error: SlackApiError) -> str:
    """Slack's error code (e.g. invalid_auth), when it looks like one."""
    code = str(error.response.get("error", ""))
    return code if re.fullmatch(r"[a-z_.]{1,60}", code) else "an error"


async def slack_token(services: Services) -> Result:
    """The bot token; with several workspaces, the token of one that installed the app."""
    if services.workspaces is None:
        return await token_works(services)
    workspace = await services.store.installs.some_workspace()
    token = None if workspace is None else await services.workspaces.token(workspace)
    if token is None:
        raise NotChecked(
            "several workspaces (SLACK_CLIENT_ID): no workspace has installed the app yet, so "
            "there is no bot token to try",
            "install it from {PUBLIC_URL}/slack/install, then run doctor again",
        )
    with acting_for(token):
        return await token_works(services)


async def token_works(services: Services) -> Result:
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
        raise NotChecked(
            f"works as {bot} in {team}, but Slack did not list its scopes (no {SCOPES_HEADER})",
            f"compare its scopes on {TOKEN_PAGE} with manifest.yml's",
        )
    missing = BOT_SCOPES - {scope.strip() for scope in str(header).split(",")}
    if missing:
        return failed(
            f"works as {bot} in {team}, but lacks {', '.join(sorted(missing))}",
            f"add the scopes of manifest.yml on {TOKEN_PAGE} and reinstall the app",
        )
    return passed(f"works as {bot} in {team}, with every scope manifest.yml asks for")


CHECK = Check("Slack", slack_token)
