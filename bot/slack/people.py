"""Slack users as the bot needs them: name and profile e-mail, from `users.info`."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import RECIPIENTS, InvalidInput, KudosError
from bot.runtime.shared import Shared
from bot.slack.authorize import Workspaces
from bot.slack.client import acting_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackProfile:
    id: str
    name: str
    email: str | None
    is_bot: bool
    deleted: bool


class SlackPeople(Shared):
    """Looks people up in Slack through the bot token."""

    def __init__(self, client: AsyncWebClient, workspaces: Workspaces | None = None) -> None:
        self._client = client
        self._workspaces = workspaces  # multi-workspace mode

    async def profile_in(self, workspace: str, user_id: str) -> SlackProfile | None:
        """`profile` outside a Slack request (a linking callback): through the bot of the
        user's workspace, when there are several."""
        if self._workspaces is None:
            return await self.profile(user_id)
        with acting_for(await self._workspaces.token(workspace)):
            return await self.profile(user_id)

    async def profile(self, user_id: str) -> SlackProfile | None:
        """The user as Slack describes them; None if Slack has no such user. Slack failing,
        unreachable or too slow is a `KudosError` saying so."""
        try:
            response = await self._client.users_info(user=user_id)
        except SlackApiError as error:
            if error.response.get("error") == "user_not_found":
                return None
            log.warning("users.info failed: %s", error.response.get("error"))
            raise KudosError("slack_unknown") from error
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("users.info failed: %s", type(error).__name__)
            raise KudosError("slack_away") from error
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        name = profile.get("real_name") or user.get("real_name") or user.get("name") or user_id
        return SlackProfile(
            id=user_id,
            name=str(name),
            email=profile.get("email"),
            is_bot=bool(user.get("is_bot")) or user_id == "USLACKBOT",
            deleted=bool(user.get("deleted")),
        )

    async def recipient(self, user_id: str) -> SlackProfile:
        """A person who can be recognized: present, human, with an e-mail on their profile."""
        profile = await self.profile(user_id)
        if profile is None or profile.deleted:
            raise InvalidInput(f"I can't find <@{user_id}> in this workspace.", RECIPIENTS)
        if profile.is_bot:
            raise InvalidInput(
                f"{profile.name} is a bot; bots can't receive recognitions.", RECIPIENTS
            )
        if not profile.email:
            raise InvalidInput(
                f"{profile.name} has no e-mail address on their Slack profile.", RECIPIENTS
            )
        return profile
