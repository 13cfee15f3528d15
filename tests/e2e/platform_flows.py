"""Steps and recordings shared by the 7Geese, KazooHR and Culture Amp end-to-end tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from testkit.bot_process import BotProcess
from testkit.fakes.server import FakeServer
from testkit.flows import command, element, kudos_answer

SEND, CANCEL = "recognition_send", "recognition_cancel"
CONFIRM, REJECT, OPEN = "link_confirm", "link_reject", "link_open"
MAX_HOPS = 5

# Slack user → person id on the platform (Dan is on none of them). Different numbers per
# platform, so an id sent to the wrong platform shows.
SEVENGEESE_IDS = {"U_ANA": "1", "U_BOB": "2", "U_CARL": "3"}
KAZOO_IDS = {"U_ANA": "201", "U_BOB": "202", "U_CARL": "203"}
PEOPLE = {
    "U_ANA": ("Ana", "Lopez", "ana@example.com"),
    "U_BOB": ("Bob", "Stone", "bob@example.com"),
    "U_CARL": ("Carl", "Diaz", "carl@example.com"),  # Slack has Carl@Example.com
}
SEVENGEESE_SCOPE = "userprofile:read recognition:read recognition:write"


class Launch(Protocol):
    """Start a bot with exactly these platforms enabled (see the `launch` fixture)."""

    def __call__(self, *platforms: str, default: str | None = None) -> BotProcess: ...


@dataclass(frozen=True)
class Seen:
    """One HTTP request exactly as it reached a fake: query, headers (lower-case), raw body."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


class Recorder:
    """ASGI wrapper around a fake's app that keeps every request whole (the fakes' own logs keep
    neither headers nor bodies); the body is read once and replayed to the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._seen: list[Seen] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        body = b"".join(chunks)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        query = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
        with self._lock:
            self._seen.append(Seen(scope["method"], scope["path"], query, headers, body))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def all(self) -> list[Seen]:
        """Every request so far, oldest first."""
        with self._lock:
            return list(self._seen)

    def to(self, path: str) -> list[Seen]:
        """Every request to `path`, oldest first."""
        with self._lock:
            return [seen for seen in self._seen if seen.path == path]


def recorded(fake: FakeServer) -> Recorder:
    """The recorder a fixture wrapped around `fake`."""
    assert isinstance(fake.app, Recorder), "serve the fake through the e2e fixtures"
    return fake.app


def link_prompt(bot: BotProcess, platform: str | None = None, user: str = "U_ANA") -> Any:
    """`/kudos link [platform]`: the ephemeral reply with the link button."""
    return command(bot, f"link {platform or ''}".strip(), user, name="/kudos")


def lookup(bot: BotProcess, text: str, user: str = "U_ANA") -> Any:
    """A `/kudos` lookup (whois …): the ack's answer, or the message after its working note."""
    return kudos_answer(bot, text, user)


def open_link_on(
    bot: BotProcess, platform: str | None = None, user: str = "U_ANA"
) -> httpx.Response:
    """`/kudos link [platform]`, then follow the button through the platform to the callback page.
    The final URL is the callback's, so `page.url.params` holds the code and state."""
    url = element(link_prompt(bot, platform, user)["blocks"], OPEN)["url"]
    return httpx.get(url, follow_redirects=True)


def callback_of(url: str) -> httpx.URL:
    """Follow a link button's URL, without following the last hop, to where the platform sends
    the browser back (the bot's callback with `code` and `state`)."""
    for _ in range(MAX_HOPS):
        response = httpx.get(url)
        assert response.is_redirect, response.text
        url = response.headers["location"]
        if "/callback" in httpx.URL(url).path:
            return httpx.URL(url)
    raise AssertionError(f"no callback after {MAX_HOPS} redirects")


def draft_id(reply: dict[str, Any]) -> str:
    return str(element(reply["blocks"], CANCEL)["value"])
