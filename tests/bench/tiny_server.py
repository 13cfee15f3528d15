"""A tiny HTTP/1.1 server for the load generator's tests: it records every request, holds
replies until told, and frames them as asked (Content-Length, chunked, or closing)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Seen:
    """One request as it arrived: on which connection, its head and its body."""

    connection: int
    request_line: str
    headers: dict[str, str]
    body: bytes


@dataclass
class TinyServer:
    framing: str = "length"  # "length", "chunked" or "close" (Content-Length, then closes)
    release_after: int = 0  # hold every reply until this many requests arrived (0: never hold)
    seen: list[Seen] = field(default_factory=list)
    connections: int = 0
    port: int = 0
    _all_in: asyncio.Event = field(default_factory=asyncio.Event)

    def reply(self, body: bytes) -> bytes:
        text = json.dumps({"text": f"got {body.decode()}"}).encode()
        head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        if self.framing == "chunked":
            chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (text[:5], text[5:]))
            return (head + "transfer-encoding: chunked\r\n\r\n").encode() + chunks + b"0\r\n\r\n"
        closing = "connection: close\r\n" if self.framing == "close" else ""
        return f"{head}{closing}content-length: {len(text)}\r\n\r\n".encode() + text

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        number = self.connections
        while head := await _read_head(reader):
            line, *fields = head.decode().split("\r\n")
            headers = {k.lower(): v.strip() for k, v in (f.split(":", 1) for f in fields if f)}
            body = await reader.readexactly(int(headers["content-length"]))
            self.seen.append(Seen(number, line, headers, body))
            if len(self.seen) >= self.release_after:
                self._all_in.set()
            await self._all_in.wait()
            if writer.is_closing():  # the client gave up waiting
                break
            writer.write(self.reply(body))
            if self.framing == "close":
                break
        writer.close()

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[TinyServer]:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        async with server:
            yield self
            server.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"


async def _read_head(reader: asyncio.StreamReader) -> bytes:
    """A request's head without its blank line; b"" once the client has closed."""
    try:
        return (await reader.readuntil(b"\r\n\r\n"))[:-4]
    except asyncio.IncompleteReadError:
        return b""
