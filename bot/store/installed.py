"""A Slack installation as the bot keeps it (multi-workspace mode)."""

from __future__ import annotations

import time

from pydantic import BaseModel, Field

from bot.errors import Reason

UNINSTALLED: Reason = "uninstalled"  # the app was removed: a queued recognition is not sent
REVOKED: Reason = "revoked"  # only the bot token was revoked: an admin can add the app again


class Installed(BaseModel):
    """The bot of one workspace, or of a whole Enterprise Grid org (`is_enterprise_install`).

    Its identity (`bot_user_id`, `bot_id`) is kept so a request needs no `auth.test`."""

    enterprise_id: str | None = None
    team_id: str | None = None  # None for an org-wide install
    is_enterprise_install: bool = False
    app_id: str | None = None
    bot_user_id: str | None = None
    bot_id: str | None = None
    bot_token: str = Field(repr=False)
    bot_refresh_token: str | None = Field(default=None, repr=False)  # with token rotation
    bot_token_expires_at: float | None = None
    bot_scopes: str = ""
    installed_at: float = Field(default_factory=time.time)

    @property
    def workspace(self) -> str:
        """Whose it is: the org for an org-wide install, else the workspace."""
        return workspace_of(self.enterprise_id, self.team_id, self.is_enterprise_install)

    def expiring(self, margin: float, now: float | None = None) -> bool:
        """A rotating token that expires within `margin` seconds."""
        if self.bot_token_expires_at is None or self.bot_refresh_token is None:
            return False
        return (now if now is not None else time.time()) >= self.bot_token_expires_at - margin


def workspace_of(enterprise_id: str | None, team_id: str | None, org_wide: bool | None) -> str:
    """The key everything of one installation is kept under: the enterprise of an org-wide
    install (one link serves every workspace of the org), else the team, as in one-workspace
    mode."""
    if org_wide and enterprise_id:
        return enterprise_id
    return team_id or ""
