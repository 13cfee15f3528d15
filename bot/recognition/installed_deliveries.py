"""Deliveries in multi-workspace mode: a recognition is delivered, and people told, only while
the app is installed in its workspace, speaking as that workspace's bot."""

from __future__ import annotations

from bot.intents import Failure, Intent
from bot.recognition.delivery import Deliverer, SaveIntent
from bot.recognition.outbox import OnOutcome
from bot.slack.authorize import Workspaces
from bot.slack.installed_only import in_workspace


class InstalledOnly(Deliverer):
    """A recognition queued in a workspace the app has since left, or whose bot token was
    revoked, ends as failed, with which of the two.
    (It wraps a Deliverer; `due` is the Deliverer's own, a static method.)"""

    def __init__(self, deliverer: Deliverer, workspaces: Workspaces) -> None:
        self._deliverer, self._workspaces = deliverer, workspaces
        self.deadline = deliverer.deadline  # the Consumer's lease is measured from it

    async def attempt(
        self, intent: Intent, save: SaveIntent | None, *, may_have_landed: bool = False
    ) -> Intent:
        workspace = intent.draft.team_id
        if await self._workspaces.current(workspace) is None:
            reason = Failure(code=await self._workspaces.why_gone(workspace))
            return intent.model_copy(update={"status": "failed", "reason": reason})
        return await self._deliverer.attempt(intent, save, may_have_landed=may_have_landed)


def told_in_workspace(workspaces: Workspaces, on_outcome: OnOutcome) -> OnOutcome:
    """People hear about a delivery through their workspace's bot; nobody, once it left."""

    async def tell(intent: Intent, told: bool) -> None:
        await in_workspace(workspaces, intent.draft.team_id, on_outcome)(intent, told)

    return tell
