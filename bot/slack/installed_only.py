"""Work done later, outside a Slack request (deliveries, linking callbacks), in multi-workspace
mode: done for a workspace only while the app is installed there, with its own bot token."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import ParamSpec

from bot.slack.authorize import Workspaces
from bot.slack.client import acting_for

log = logging.getLogger(__name__)
P = ParamSpec("P")


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
