"""The app leaving a workspace or org (multi-workspace mode): nothing of it is kept."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

from bot.models import Actor
from bot.store import Store

log = logging.getLogger(__name__)


async def ack_only(ack: AsyncAck) -> None:
    await ack()


async def uninstalled(actor: Actor, store: Store) -> None:
    """The installation, every link, draft, cache and recognition record of the workspace (or
    org) go; queued recognitions end unsent (bot/recognition/installed_deliveries.py fails those
    in flight)."""
    gone = await store.installs.purge_workspace(actor.workspace)
    ended = await store.installs.end_queued(actor.workspace)
    gone += await store.steps.forget_workspace(actor.workspace)
    log.info("app uninstalled: %d record(s) deleted, %d recognition(s) ended", gone, ended)


async def tokens_revoked(event: dict[str, Any], actor: Actor, store: Store) -> None:
    """A revoked bot token is dropped (user tokens are never kept); links stay until uninstall."""
    revoked = set((event.get("tokens") or {}).get("bot") or [])
    installed = await store.installs.load(actor.workspace)
    if installed is not None and installed.bot_user_id in revoked:
        await store.installs.delete(installed.workspace)
        log.info("a workspace's bot token was revoked: installation deleted")


async def team_access(event: dict[str, Any]) -> None:
    """An org-wide install reaching one workspace more or less: its token serves them all, and
    what people keep is the org's, so there is nothing to add or remove."""
    log.info("%s for one workspace of an org-wide install", event.get("type"))


def register(app: AsyncApp) -> None:
    app.event("app_uninstalled")(ack=ack_only, lazy=[uninstalled])
    app.event("tokens_revoked")(ack=ack_only, lazy=[tokens_revoked])
    app.event("team_access_granted")(ack=ack_only, lazy=[team_access])
    app.event("team_access_revoked")(ack=ack_only, lazy=[team_access])
