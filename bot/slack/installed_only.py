"""Work done later, outside a Slack request (deliveries, linking callbacks), in multi-workspace
mode: done for a workspace only while the app is installed there, with its own bot token."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import ParamSpec

from bot.models import Failure, Intent
from bot.recognition.delivery import Deliverer, SaveIntent
from bot.recognition.outbox import OnOutcome
from bot.slack.authorize import Workspaces
from bot.slack.client import acting_for

log = logging.getLogger(__name__)
P = ParamSpec("P")


class InstalledOnly(Deliverer):
    """A recognition queued in a workspace the app has since left, or whose bot token was
    revoked, ends as failed, with which of the two.
    (It wraps a Deliverer; `due` is the Deliverer's own, a static method.)"""

    def __init__(self, deliverer: Deliverer, workspaces: Workspaces) -> None:
        self._deliverer, self._workspaces = deliverer, workspaces
        self.deadline = deliverer.deadline  # the Consumer's lease is measured from it

    async def attempt(self, intent: Intent, save: SaveIntent) -> Intent:
        workspace = intent.draft.team_id
        if await self._workspaces.current(workspace) is None:
            reason = Failure(code=await self._workspaces.why_gone(workspace))
            return intent.model_copy(update={"status": "failed", "reason": reason})
        return await self._deliverer.attempt(intent, save)


def told_in_workspace(workspaces: Workspaces, on_outcome: OnOutcome) -> OnOutcome:
    """People hear about a delivery through their workspace's bot; nobody, once it left."""

    async def tell(intent: Intent, told: bool) -> None:
        await in_workspace(workspaces, intent.draft.team_id, on_outcome)(intent, told)

    return tell


def in_workspace(
    workspaces: Workspaces | None, workspace: str, call: Callable[P, Awaitable[None]]
) -> Callable[P, Awaitable[None]]:
    """`call`, speaking to Slack as the workspace's bot; skipped if the app is not installed
    there. With one workspace (no `workspaces`), `call` itself."""
    if workspaces is None:
        return call

    async def run(*args: P.args, **kwargs: P.kwargs) -> None:
        token = await workspaces.token(workspace)
        if token is None:
            log.info("nothing said in Slack: the app is no longer installed there")
            return
        with acting_for(token):
            await call(*args, **kwargs)

    return run
