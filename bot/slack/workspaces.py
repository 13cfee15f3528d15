"""Multi-workspace mode: Bolt's install flow over the Redis stores, its pages, the authorize."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.state_utils import OAuthStateUtils

from bot.errors import StoreUnavailable
from bot.slack.authorize import InstallationAuthorize, SlackAppConfig, Workspaces
from bot.slack.install_store import RedisInstallationStore, RedisStateStore
from bot.slack.pages import page
from bot.store import Store, keys

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# The bot scopes of manifest.yml, asked for at install (tests/test_manifest.py keeps them equal).
BOT_SCOPES = (
    *("commands", "chat:write", "chat:write.public", "users:read", "users:read.email"),
    *("reactions:read", "channels:history", "groups:history"),  # recognize with a reaction
)
NOT_INSTALLED = (
    "Kudos Bridge isn't installed in this workspace any more. An admin can add it again "
    "from the app's install page."
)
FAILURES = {
    "access_denied": "The install was cancelled in Slack. Start again from the install page.",
    "invalid_browser": "This install was started in another browser (or its cookie is gone). "
    "Start again from the install page, in this browser.",
    "invalid_state": "This install link has expired or was already used. Start again from the "
    "install page.",
}
FAILED = "Slack didn't complete the install. Start again from the install page; if it fails again, "
FAILED += "ask your Slack admin whether apps may be installed."
STATE_COOKIE = OAuthStateUtils.default_cookie_name
CLEAR_COOKIE = f"{STATE_COOKIE}=deleted; Secure; HttpOnly; Path=/; Max-Age=0"


def install_settings(settings: SlackAppConfig, store: Store) -> AsyncOAuthSettings:
    """`/slack/install` → Slack's consent page → `/slack/oauth_redirect`, state in Redis."""
    assert settings.slack_client_id and settings.slack_client_secret  # multi-workspace mode
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        redirect_uri=f"{settings.public_url.rstrip('/')}{REDIRECT_PATH}",
        install_path=INSTALL_PATH,
        install_page_rendering_enabled=False,  # straight to Slack, the state cookie set
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=settings.slack_authorize_url,
        installation_store=RedisInstallationStore(store),
        installation_store_bot_only=True,
        state_store=RedisStateStore(store),
        state_expiration_seconds=keys.STATE_TTL,
        callback_options=AsyncCallbackOptions(success=installed_page, failure=failed_page),
    )


def _html(html: str, status: int) -> BoltResponse:
    headers: dict[str, str | Sequence[str]] = {"Content-Type": "text/html; charset=utf-8"}
    headers["Set-Cookie"] = CLEAR_COOKIE
    return BoltResponse(status=status, body=html, headers=headers)


async def installed_page(args: AsyncSuccessArgs) -> BoltResponse:
    where = "your organisation" if args.installation.is_enterprise_install else "your workspace"
    message = (
        f"Kudos Bridge is installed in {where}. Try /recognize in Slack. You can close this tab."
    )
    return _html(page("Installed", message, True), 200)


async def failed_page(args: AsyncFailureArgs) -> BoltResponse:
    """What went wrong, in words, and what to do; never a 5xx (Bolt suggests 500 for storage)."""
    message = FAILURES.get(args.reason, FAILED)
    status = 503 if args.suggested_status_code >= 500 else args.suggested_status_code
    return _html(page("Not installed", message, False), status)


STORE_AWAY = {  # the install flow's own page (Bolt's), outside the listeners' words
    "store_unavailable": "Kudos Bridge is temporarily unavailable. Please try again in a minute.",
    "overloaded": "Kudos Bridge is very busy right now and couldn't get to this. "
    "Please try again in a minute.",
}


def unavailable_page(error: StoreUnavailable) -> BoltResponse:
    """Redis away mid-install: the same kind of page, still a 503, and nothing was installed."""
    message = f"{STORE_AWAY[error.reason]} Then start again from the install page."
    return _html(page("Not installed", message, False), 503)


def bolt_options(
    settings: SlackAppConfig, store: Store, workspaces: Workspaces | None
) -> dict[str, Any]:
    """AsyncApp's arguments for multi-workspace mode (none for one workspace)."""
    if workspaces is None:
        return {}
    return {
        "oauth_settings": install_settings(settings, store),
        "authorize": InstallationAuthorize(workspaces, NOT_INSTALLED),
        "user_facing_authorize_error_message": NOT_INSTALLED,
    }
