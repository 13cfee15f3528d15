"""slack_sdk's installation and OAuth-state store interfaces, kept in Redis (slack_sdk ships
neither for Redis): what Bolt's install flow (`/slack/install`, `/slack/oauth_redirect`) uses."""

from __future__ import annotations

from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.runtime.shared import Shared
from bot.store import Store
from bot.store.installed import Installed, workspace_of


def installed_from(installation: Installation) -> Installed:
    """What the bot keeps of an install: the bot token and who the bot is, never user tokens."""
    assert installation.bot_token is not None  # the app asks for bot scopes only
    return Installed(
        enterprise_id=installation.enterprise_id,
        team_id=installation.team_id,
        is_enterprise_install=bool(installation.is_enterprise_install),
        app_id=installation.app_id,
        bot_user_id=installation.bot_user_id,
        bot_id=installation.bot_id,
        bot_token=installation.bot_token,
        bot_refresh_token=installation.bot_refresh_token,
        bot_token_expires_at=installation.bot_token_expires_at,
        bot_scopes=",".join(installation.bot_scopes or []),
        installed_at=installation.installed_at,
    )


def bot_from(installed: Installed) -> Bot:
    return Bot(
        app_id=installed.app_id,
        enterprise_id=installed.enterprise_id,
        team_id=installed.team_id,
        bot_token=installed.bot_token,
        bot_id=installed.bot_id or "",
        bot_user_id=installed.bot_user_id or "",
        bot_scopes=installed.bot_scopes,
        bot_refresh_token=installed.bot_refresh_token,
        bot_token_expires_at=(
            None if installed.bot_token_expires_at is None else int(installed.bot_token_expires_at)
        ),
        is_enterprise_install=installed.is_enterprise_install,
        installed_at=installed.installed_at,
    )


class RedisInstallationStore(Shared, AsyncInstallationStore):
    """Bot installations only (the app asks for no user scopes), sealed like platform tokens."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def async_save(self, installation: Installation) -> None:
        await self._store.installs.save(installed_from(installation))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        installed = await self._store.installs.load(
            workspace_of(enterprise_id, team_id, is_enterprise_install)
        )
        return None if installed is None else bot_from(installed)

    async def async_find_installation(self, **ids: Any) -> Installation | None:
        return None  # no user tokens are kept

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._store.installs.delete(team_id or enterprise_id or "")

    async def async_delete_installation(self, **ids: Any) -> None:
        return None  # no user tokens are kept


class RedisStateStore(Shared, AsyncOAuthStateStore):
    """Random states, single-use (taken atomically), gone after ten minutes."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await self._store.installs.issue_state()

    async def async_consume(self, state: str) -> bool:
        return await self._store.installs.consume_state(state)
