"""Telling a user something in Slack outside a listener (e.g. after the OAuth callback)."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.runtime.shared import Shared

log = logging.getLogger(__name__)


class Notifier(Shared):
    """Replaces the message behind `response_url` when there is one, else DMs the user."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def tell(
        self, user_id: str, text: str, response_url: str | None = None, **extra: Any
    ) -> None:
        if response_url:
            webhook = AsyncWebhookClient(response_url)
            try:
                result = await webhook.send(
                    text=text, response_type="ephemeral", replace_original=True, **extra
                )
                if result.status_code == 200:
                    return
                log.info("response_url answered %s; falling back to a DM", result.status_code)
            except (aiohttp.ClientError, TimeoutError) as error:
                log.info("response_url failed (%s); falling back to a DM", type(error).__name__)
        try:
            await self._client.chat_postMessage(channel=user_id, text=text, **extra)
        except SlackApiError as error:
            log.warning("could not DM the user: %s", error.response.get("error"))
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("could not DM the user: %s", type(error).__name__)
