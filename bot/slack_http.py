"""One pooled aiohttp session for every call to Slack: the Web API and `response_url` posts.

Without it, slack_sdk opens a new session, and a new connection, for every call: under a burst of
previews that was a fifth of the process's CPU (see README, Performance)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.shared import Shared

SLACK_CONNECTIONS = 100  # concurrent connections to Slack per process
SLACK_TIMEOUT = 5  # seconds for one call to Slack, all of it (slack_sdk's `timeout` is an int)


def open_session(timeout: float = SLACK_TIMEOUT) -> aiohttp.ClientSession:
    """Call inside the running event loop; close it at shutdown.

    slack_sdk applies its own `timeout` only to sessions it opens itself: on one handed to it,
    the session's timeout is the only one (aiohttp's default: 5 minutes), so it is set here."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=SLACK_CONNECTIONS),
        timeout=aiohttp.ClientTimeout(total=timeout),
    )


# The bot token of the installation the current request (or delivery) belongs to, in
# multi-workspace mode; tasks started while it is set (lazy listeners) inherit it.
INSTALLATION_TOKEN: ContextVar[str | None] = ContextVar("installation_token", default=None)


@contextmanager
def acting_for(token: str | None) -> Iterator[None]:
    """Every Slack call in this block (and tasks it starts) uses `token`."""
    reset = INSTALLATION_TOKEN.set(token)
    try:
        yield
    finally:
        INSTALLATION_TOKEN.reset(reset)


def act_for_request(token: str | None) -> None:
    """Every Slack call for the rest of this request uses `token`. Bolt runs its middleware one
    after the other, not nested, so no `with` block can span the listeners; each HTTP request
    has its own task (and context), and the lazy listeners it starts inherit it."""
    INSTALLATION_TOKEN.set(token)


class SlackClient(Shared, AsyncWebClient):
    """The bot's Web API client. Bolt deep-copies a request's context for each lazy listener;
    this client (and its session, bound to the event loop) is shared instead of copied.

    Its token is SLACK_BOT_TOKEN in one-workspace mode; with several workspaces, the token of
    the installation being served (`acting_for`), so every service object that holds this
    client speaks for the right workspace."""

    @property
    def token(self) -> str | None:
        return INSTALLATION_TOKEN.get() or self._own_token

    @token.setter
    def token(self, value: str | None) -> None:
        self._own_token = value

    def unpooled(self) -> AsyncWebClient:
        """A plain copy without the session, for Bolt's own per-request clients."""
        return AsyncWebClient(token=self._own_token, base_url=self.base_url, timeout=self.timeout)


class PooledRespond(Shared, AsyncRespond):
    """Bolt's `respond`, posting through the shared session instead of a new one per call."""

    def __init__(self, *, response_url: str | None, session: aiohttp.ClientSession) -> None:
        super().__init__(response_url=response_url)
        self._session = session

    async def __call__(
        self,
        text: str | dict[str, Any] = "",
        blocks: Sequence[Any] | None = None,
        attachments: Sequence[Any] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> WebhookResponse:
        if self.response_url is None:
            raise ValueError("respond is unsupported here as there is no response_url")
        if isinstance(text, dict):
            message = _build_message(**text)
        else:
            message = _build_message(
                text, blocks, attachments, response_type, replace_original, delete_original,
                unfurl_links, unfurl_media, thread_ts, metadata,
            )  # fmt: skip
        client = AsyncWebhookClient(url=self.response_url, session=self._session)
        return await client.send_dict(message)
