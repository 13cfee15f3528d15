"""Whose data a request may reach: the one place that reads the workspace off a request."""

from __future__ import annotations

from slack_bolt.context.async_context import AsyncBoltContext

from bot.models import Owner
from bot.slack.installed import workspace_of


def workspace(context: AsyncBoltContext) -> str:
    """The org of an org-wide install (a person links once for all its workspaces), else the
    team: the same key as before Enterprise Grid, so existing links keep working."""
    return workspace_of(context.enterprise_id, context.team_id, context.is_enterprise_install)


def owner_of(context: AsyncBoltContext, provider: str) -> Owner:
    """The requesting user's link to `provider`, from the signed request only."""
    return Owner(workspace(context), context.user_id or "", provider)
