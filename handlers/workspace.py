"""Who a request comes from: the one place that reads identity off a request."""

from __future__ import annotations

from slack_bolt.context.async_context import AsyncBoltContext

from bot.models import Actor
from bot.store.installed import workspace_of


def actor_of(context: AsyncBoltContext) -> Actor:
    """The actor of a signed request, from what Bolt read off its envelope. The workspace is the
    org of an org-wide install (a person links once for all its workspaces), else the team: the
    same key as before Enterprise Grid, so existing links keep working."""
    workspace = workspace_of(context.enterprise_id, context.team_id, context.is_enterprise_install)
    return Actor(workspace, context.user_id or "", context.channel_id or "")
