"""Delivering a request to the bot's `/slack/events` as Slack does: signed, within 3 seconds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from sandbox.signing import FORM, JSON, signed_headers

ACK_TIMEOUT = 3.0  # Slack gives up on an app after 3 seconds


@dataclass(frozen=True)
class Ack:
    """The bot's answer: its status (0 when it never came) and the body it acknowledged with."""

    status: int
    body: Any = None  # a JSON object, a plain text, or None when empty
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def failure(self) -> str:
        """Slack's name for what went wrong."""
        return self.error or ("" if self.ok else "dispatch_failed")


class BotLink:
    """Signs with the app's signing secret and posts to the app's request URL."""

    def __init__(self, events_url: str, signing_secret: str, http: httpx.AsyncClient) -> None:
        self.events_url, self._secret, self._http = events_url, signing_secret, http

    async def form(self, body: bytes) -> Ack:
        """Slash commands and interactivity are form bodies."""
        return await self._post(body, FORM)

    async def event(self, body: bytes) -> Ack:
        """Events API deliveries are JSON."""
        return await self._post(body, JSON)

    async def _post(self, body: bytes, content_type: str) -> Ack:
        headers = signed_headers(self._secret, body, content_type)
        try:
            response = await self._http.post(
                self.events_url, content=body, headers=headers, timeout=ACK_TIMEOUT
            )
        except httpx.TimeoutException:
            return Ack(0, error="operation_timeout")
        except httpx.TransportError:
            return Ack(0, error="dispatch_failed")
        return Ack(response.status_code, read_ack(response))


def read_ack(response: httpx.Response) -> Any:
    """A JSON body as an object, any other non-empty body as its text, an empty one as None."""
    if not response.content:
        return None
    if response.headers.get("content-type", "").startswith("application/json"):
        try:
            return json.loads(response.content)
        except ValueError:
            return response.text
    return response.text
