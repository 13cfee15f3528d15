"""Who serves a request in multi-workspace mode: the installation of its workspace or org, with
a rotating bot token refreshed single-flight (Bolt's own rotator takes no lock, and two
concurrent rotations can keep a token Slack has already replaced)."""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol

import aiohttp
from pydantic import SecretStr
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import Reason
from bot.runtime import tasks
from bot.runtime.shared import Shared
from bot.runtime.singleflight import SingleFlight
from bot.store import Store, keys
from bot.store.installed import REVOKED, UNINSTALLED, Installed, workspace_of

log = logging.getLogger(__name__)
REFRESH_MARGIN = 2 * 3600.0  # Slack's rotating tokens live 12 h; renew in their last two
STEP_FAIL_TIMEOUT = 1.5  # seconds: the request is acked after it, within Slack's 3


class TokenRotation:
    """Renews a workspace's bot token once however many requests see it expiring: one task per
    process, one process at a time (a Redis lock), the record re-read under the lock, so a
    refresh token is presented to Slack once only."""

    def __init__(self, store: Store, client: AsyncWebClient, client_id: str, secret: str) -> None:
        self._store, self._client = store, client
        self._client_id, self._secret = client_id, secret
        self._flights: SingleFlight[str, Installed | None] = SingleFlight()

    async def fresh(self, installed: Installed) -> Installed | None:
        """The installation with a token good for a while; the current one if Slack could not
        renew it but it still works; None when it is gone or dead."""
        workspace = installed.workspace
        renewed = await self._flights.run(workspace, lambda: self._renew(workspace))
        if renewed is None and installed.bot_token_expires_at is not None:
            return installed if time.time() < installed.bot_token_expires_at else None
        return renewed

    async def _renew(self, workspace: str) -> Installed | None:
        async with self._store.locked(keys.install_lock(workspace)):
            loaded = await self._store.installs.load_version(workspace)
            if loaded is None:
                return None
            blob, installed = loaded
            if not installed.expiring(REFRESH_MARGIN):
                return installed  # another process renewed it meanwhile
            renewed = await self._exchange(installed)
            if renewed is not None and await self._store.installs.swap(blob, renewed):
                return renewed
            return None

    async def _exchange(self, installed: Installed) -> Installed | None:
        """`oauth.v2.access` with the refresh token; None (logged) when Slack says no."""
        try:
            answer = await self._client.oauth_v2_access(
                client_id=self._client_id,
                client_secret=self._secret,
                grant_type="refresh_token",
                refresh_token=installed.bot_refresh_token,
            )
        except SlackApiError as error:
            log.warning("Slack refused to renew a bot token: %s", error.response.get("error"))
            return None
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("could not renew a bot token: %s", type(error).__name__)
            return None
        fresh = {
            "bot_token": answer["access_token"],
            "bot_refresh_token": answer.get("refresh_token") or installed.bot_refresh_token,
            "bot_token_expires_at": time.time() + float(answer.get("expires_in") or 0),
        }
        return installed.model_copy(update=fresh)


class Workspaces(Shared):
    """The installations of multi-workspace mode, each with a token good for a while."""

    def __init__(self, store: Store, rotation: TokenRotation) -> None:
        self._store, self._rotation = store, rotation

    async def current(self, workspace: str) -> Installed | None:
        """The workspace's (or org's) installation, renewed first if its token is due; None
        when the app is not installed there (or no longer)."""
        installed = await self._store.installs.load(workspace) if workspace else None
        if installed is not None and installed.expiring(REFRESH_MARGIN):
            installed = await self._rotation.fresh(installed)
        return installed

    async def why_gone(self, workspace: str) -> Reason:
        """Why the app no longer acts in a workspace where it was: removed, or only its token
        revoked (the installation dropped by `tokens_revoked`)."""
        removed = await self._store.installs.uninstalled_lately(workspace)
        return UNINSTALLED if removed else REVOKED

    async def token(self, workspace: str) -> str | None:
        installed = await self.current(workspace)
        return None if installed is None else installed.bot_token


class InstallationAuthorize(AsyncAuthorize):
    """The stored installation, as Bolt's AuthorizeResult: no `auth.test` per request (the
    bot's ids were kept at install time). No installation: None (Bolt answers politely)."""

    def __init__(self, workspaces: Workspaces, not_installed: str) -> None:
        self._workspaces, self._not_installed = workspaces, not_installed

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **actor: Any,
    ) -> AuthorizeResult | None:
        workspace = workspace_of(enterprise_id, team_id, context.is_enterprise_install)
        installed = await self._workspaces.current(workspace)
        if installed is None:
            await self._fail_step(context)
            return None
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_user_id=installed.bot_user_id,
            bot_id=installed.bot_id,
            bot_token=installed.bot_token,
            bot_scopes=installed.bot_scopes,
            user_id=user_id,
        )

    async def _fail_step(self, context: AsyncBoltContext) -> None:
        """A workflow step run (`function_executed`) is failed at once, with the token Slack
        gave that run, instead of hanging until Slack gives up on it."""
        token, execution = context.function_bot_access_token, context.function_execution_id
        if not (token and execution):
            return
        client, why = context.client, self._not_installed
        run = AsyncWebClient(token=token, base_url=client.base_url, session=client.session)
        try:
            failing = run.functions_completeError(function_execution_id=execution, error=why)
            await tasks.within(STEP_FAIL_TIMEOUT, failing)
        except SlackApiError as error:
            log.warning("Slack refused to fail a step run: %s", error.response.get("error"))
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("could not fail a step run: %s", type(error).__name__)


class SlackAppConfig(Protocol):
    """The Slack app's own settings this package reads (bot.settings.Settings has them)."""

    @property
    def slack_client_id(self) -> str | None: ...
    @property
    def slack_client_secret(self) -> SecretStr | None: ...
    @property
    def slack_authorize_url(self) -> str: ...
    @property
    def public_url(self) -> str: ...
    @property
    def multi_workspace(self) -> bool: ...


def workspaces_of(
    settings: SlackAppConfig, store: Store, slack: AsyncWebClient
) -> Workspaces | None:
    """Multi-workspace mode's installations (None with one workspace and SLACK_BOT_TOKEN)."""
    if not (settings.multi_workspace and settings.slack_client_id and settings.slack_client_secret):
        return None
    secret = settings.slack_client_secret.get_secret_value()
    return Workspaces(store, TokenRotation(store, slack, settings.slack_client_id, secret))
