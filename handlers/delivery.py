"""After a recognition is delivered: announce it, tell the recipients, report what failed."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.models import Draft, Sent
from bot.providers.base import ProviderSpec
from handlers import blocks

log = logging.getLogger(__name__)
NO_ANNOUNCEMENT = (
    "Your recognition was sent, but I couldn't announce it in this channel. "
    "Invite me with `/invite @Kudos Bridge` to announce here next time."
)


async def spread_the_word(
    client: AsyncWebClient, draft: Draft, sent: Sent, spec: ProviderSpec
) -> list[str]:
    """Channel announcement (unless turned off) and a DM to each recipient; what went wrong."""
    problems: list[str] = []
    if draft.announce and draft.channel_id:
        try:
            await client.chat_postMessage(
                channel=draft.channel_id,
                text=blocks.announcement_text(draft),
                blocks=blocks.announcement(draft, sent, spec),
            )
        except SlackApiError as error:
            log.info("announcement not posted: %s", error.response.get("error"))
            problems.append(NO_ANNOUNCEMENT)
    for recipient in draft.recipients:
        try:
            await client.chat_postMessage(
                channel=recipient.slack_id,
                text=blocks.recipient_text(draft),
                blocks=blocks.recipient_dm(draft, sent, spec),
            )
        except SlackApiError as error:
            log.info("recipient not told: %s", error.response.get("error"))
    return problems
