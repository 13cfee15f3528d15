"""One pooled aiohttp session for every call to Slack: the Web API and `response_url` posts.

Without it, slack_sdk opens a new session, and a new connection, for every call: under a burst of
previews that was a fifth of the process's CPU (see README, Performance)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.runtime.shared import Shared

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
# With an org-wide install's token: the workspace of the org the request came from, which some
# methods need as `team_id` (Slack ignores it with a workspace's token).
ORG_TEAM: ContextVar[str | None] = ContextVar("org_team", default=None)


@contextmanager
def acting_for(token: str | None, org_team: str | None = None) -> Iterator[None]:
    """Every Slack call in this block (and tasks it starts) uses `token`."""
    reset, reset_team = INSTALLATION_TOKEN.set(token), ORG_TEAM.set(org_team)
    try:
        yield
    finally:
        INSTALLATION_TOKEN.reset(reset)
        ORG_TEAM.reset(reset_team)


def act_for_request(token: str | None, org_team: str | None = None) -> None:
    """Every Slack call for the rest of this request uses `token`. Bolt runs its middleware one
    after the other, not nested, so no `with` block can span the listeners; each HTTP request
    has its own task (and context), and the lazy listeners it starts inherit it."""
    INSTALLATION_TOKEN.set(token)
    ORG_TEAM.set(org_team)


@cache
def takes_team_id(api_method: str) -> bool:
    """The Web API method accepts `team_id`, as slack_sdk's signature for it says (Slack's
    list of methods that need it with an org-level token)."""
    method = getattr(AsyncWebClient, api_method.replace(".", "_"), None)
    return method is not None and "team_id" in inspect.signature(method).parameters


def with_team(request: dict[str, Any], team: str) -> dict[str, Any]:
    """The request's arguments with `team_id` added where they travel, unless already given."""
    where = next((part for part in ("json", "data") if isinstance(request.get(part), dict)), None)
    where = where or "params"
    return request | {where: {"team_id": team} | (request.get(where) or {})}


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

    async def api_call(self, api_method: str, **request: Any) -> AsyncSlackResponse:
        """Every method call: with an org-wide install's token, `team_id` where it is taken."""
        team = ORG_TEAM.get()
        if team and takes_team_id(api_method):
            request = with_team(request, team)
        response: AsyncSlackResponse = await super().api_call(api_method, **request)
        return response

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
