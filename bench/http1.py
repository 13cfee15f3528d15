"""The load generator's HTTP/1.1 client: keep-alive connections, one request at a time on each.

Only what the bench needs, so the client costs little CPU beside the server it measures: the
request is written as bytes, the reply is framed and parsed by httptools (llhttp, the parser
uvicorn itself uses: Content-Length or chunked), and a connection the server closes or leaves
half-answered is never reused."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

import httptools


class Disconnected(ConnectionError):
    """The server closed the connection before its reply was complete."""


# what a request can end with instead of a reply: no connection, a cut one, a reply that is
# not HTTP/1.1, no reply in time
FAILURES = (OSError, httptools.HttpParserError, TimeoutError)


@dataclass(frozen=True)
class Endpoint:
    """Where requests go, and the start of each request's head (the part every request shares)."""

    host: str
    port: int
    path: str

    @classmethod
    def of(cls, url: str) -> Endpoint:
        parts = urlsplit(url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 80, parts.path or "/")

    def head(self, body: bytes, headers: dict[str, str]) -> bytes:
        """The head of a POST of `body`: request line, Host, Content-Length, then `headers`."""
        lines = [f"POST {self.path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class Connection(asyncio.Protocol):
    """One keep-alive connection; `post` sends a request and returns (status, body)."""

    def __init__(self) -> None:
        self._parser = httptools.HttpResponseParser(self)
        self._transport: asyncio.Transport | None = None
        self._reply: asyncio.Future[tuple[int, bytes]] | None = None
        self._body: list[bytes] = []
        self.reusable = True

    @classmethod
    async def open(cls, endpoint: Endpoint) -> Connection:
        loop = asyncio.get_running_loop()
        _, connection = await loop.create_connection(cls, endpoint.host, endpoint.port)
        return connection

    async def post(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        assert self._transport is not None and self._reply is None, "one request at a time"
        self._reply = asyncio.get_running_loop().create_future()
        self._body.clear()
        self._transport.write(head + body)
        try:
            return await self._reply
        finally:
            self._reply = None

    def close(self) -> None:
        self.reusable = False
        if self._transport is not None:
            self._transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(error)
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        self._fail(exc or Disconnected("the server closed the connection"))

    def on_body(self, body: bytes) -> None:  # httptools callback
        self._body.append(body)

    def on_message_complete(self) -> None:  # httptools callback
        self.reusable = self.reusable and self._parser.should_keep_alive()
        if self._reply is not None and not self._reply.done():
            self._reply.set_result((self._parser.get_status_code(), b"".join(self._body)))

    def _fail(self, error: BaseException) -> None:
        self.reusable = False
        if self._reply is not None and not self._reply.done():
            self._reply.set_exception(error)
