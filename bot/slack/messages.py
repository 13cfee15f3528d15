"""A Slack message someone reacted to: who wrote it, and its permalink (read through the
request's own client, so an installation's token can take the bot token's place)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import KudosError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackMessage:
    author: str  # "" when no person wrote it
    by_bot: bool


def read(raw: Mapping[str, Any]) -> SlackMessage:
    by_bot = bool(raw.get("bot_id")) or raw.get("subtype") == "bot_message"
    return SlackMessage(str(raw.get("user") or ""), by_bot)


async def fetch(client: AsyncWebClient, channel_id: str, ts: str) -> SlackMessage | None:
    """The message at `ts`: from the channel's history, else from a thread (a reply is not in
    the history). None when Slack has no such message."""
    try:
        history = await client.conversations_history(
            channel=channel_id, latest=ts, inclusive=True, limit=1
        )
        found = _at(history.get("messages"), ts)
        if found is None:
            replies = await client.conversations_replies(
                channel=channel_id, ts=ts, oldest=ts, inclusive=True, limit=2
            )
            found = _at(replies.get("messages"), ts)
    except SlackApiError as error:
        if error.response.get("error") in ("thread_not_found", "message_not_found"):
            return None
        log.warning("could not read a message: %s", error.response.get("error"))
        raise KudosError("message_unreadable") from error
    except (aiohttp.ClientError, TimeoutError) as error:
        log.warning("could not read a message: %s", type(error).__name__)
        raise KudosError("message_unreadable") from error
    return None if found is None else read(found)


def _at(messages: Any, ts: str) -> Mapping[str, Any] | None:
    for message in messages if isinstance(messages, list) else []:
        if isinstance(message, dict) and message.get("ts") == ts:
            return message
    return None


async def permalink(client: AsyncWebClient, channel_id: str, ts: str) -> str | None:
    """The message's link, or None when Slack won't give one (the preview goes without)."""
    try:
        answer = await client.chat_getPermalink(channel=channel_id, message_ts=ts)
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
        log.info("no permalink: %s", type(error).__name__)
        return None
    link = answer.get("permalink")
    return link if isinstance(link, str) and link.startswith("https://") else None
