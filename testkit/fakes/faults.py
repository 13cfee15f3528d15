"""Failures every fake serves on demand: statuses (with Retry-After), HTML bodies, hangs, resets.

`FaultInjector` wraps a fake's ASGI app (inside its request log, so failed requests are still
counted). For each request it first waits the fake's `latency`, then serves the first queued
`Fault` that matches, else passes the request on. A request that waits (latency, hang) is read
first, so the platform acts on it even if the client gives up before it answers. A `land` fault
lets the app act on the request (e.g. store a recognition), then fails the answer. Paths in
`Faults.exempt` (a fake's OAuth endpoints) get neither latency nor faults unless a fault names
them with `path=`."""

from __future__ import annotations

import asyncio
import email.utils
import json
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PROXY_PAGE = (
    "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
)


@dataclass(frozen=True)
class Fault:
    """One injected failure: an answer (`status`), a `hang` before answering normally, or (status
    0) a reset: the connection is closed without an answer. With `land`, the app handles the
    request first and its answer is replaced by the failure. With `held`, the failure comes
    only after `hang` (the platform sits on the request past the client's read limit).
    `method`/`path` narrow it."""

    status: int = 0
    body: bytes = b""
    headers: tuple[tuple[bytes, bytes], ...] = ()
    hang: float = 0.0
    method: str | None = None
    path: str | None = None  # a prefix; None matches every path that isn't exempt
    land: bool = False
    held: bool = False

    def matches(self, method: str, path: str, exempt: bool) -> bool:
        if self.method is not None and self.method != method:
            return False
        return path.startswith(self.path) if self.path is not None else not exempt


class Faults:
    """A thread-safe queue of faults; each request takes the first one that matches it."""

    def __init__(self, exempt: tuple[str, ...] = ()) -> None:
        self.exempt = exempt
        self._lock = threading.Lock()
        self._queue: list[Fault] = []

    def add(self, fault: Fault, times: int) -> None:
        with self._lock:
            self._queue.extend([fault] * times)

    def take(self, method: str, path: str, exempt: bool) -> Fault | None:
        """The first fault matching this request, removed from the queue."""
        with self._lock:
            for index, fault in enumerate(self._queue):
                if fault.matches(method, path, exempt):
                    return self._queue.pop(index)
        return None

    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()


async def _reset(send: Send) -> None:
    """Abort the TCP connection with an RST, before any byte of an answer (uvicorn only)."""
    transport = send.__self__.transport  # type: ignore[attr-defined]  # uvicorn's request cycle
    sock = transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    await asyncio.sleep(0)  # let uvicorn see the disconnect, so it doesn't answer 500 instead


async def _discard(message: Message) -> None:
    """Where the app's own answer goes when a `land` fault replaces it."""


async def _fail(fault: Fault, send: Send) -> None:
    """Answer with the fault's status and body, or (status 0) reset the connection."""
    if fault.status == 0:
        await _reset(send)
        return
    length = (b"content-length", str(len(fault.body)).encode())
    headers = [*fault.headers, length]
    await send({"type": "http.response.start", "status": fault.status, "headers": headers})
    await send({"type": "http.response.body", "body": fault.body})


async def _buffered(receive: Receive) -> Receive:
    """Read the whole request body now; replay it later (the platform got it, then hangs)."""
    messages: list[Message] = []
    while not messages or messages[-1].get("more_body"):
        messages.append(await receive())
        if messages[-1]["type"] != "http.request":
            break

    async def replay() -> Message:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    return replay


class FaultInjector:
    """ASGI wrapper: the fake's latency, then a queued fault or the app."""

    def __init__(self, app: ASGIApp, faults: Faults, latency: Callable[[], float]) -> None:
        self.app, self.faults, self.latency = app, faults, latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exempt = scope["path"].startswith(self.faults.exempt)
        if not exempt and (delay := self.latency()):
            receive = await _buffered(receive)  # a slow platform has the request all the same
            await asyncio.sleep(delay)
        fault = self.faults.take(scope["method"], scope["path"], exempt)
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.hang and not fault.held:
            receive = await _buffered(receive)
            await asyncio.sleep(fault.hang)
            await self.app(scope, receive, send)
        else:
            if fault.land:
                await self.app(scope, receive, _discard)
            await asyncio.sleep(fault.hang)
            await _fail(fault, send)


def http_date(seconds_from_now: float) -> str:
    """An HTTP date (IMF-fixdate), e.g. for a Retry-After header."""
    return email.utils.format_datetime(
        datetime.now(UTC) + timedelta(seconds=seconds_from_now), usegmt=True
    )


class Faulty:
    """The failure test API every fake shares (FakeServer mixes it in)."""

    faults: Faults
    latency: float = 0.0

    def _faulty(self, app: ASGIApp, exempt: tuple[str, ...] = ()) -> ASGIApp:
        """Wrap `app` so this fake's latency and faults apply to it."""
        self.faults = Faults(exempt)
        return FaultInjector(app, self.faults, lambda: self.latency)

    def fail_next(
        self,
        status: int,
        times: int = 1,
        *,
        retry_after: float | str | None = None,
        body: Any = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """The next `times` matching requests answer `status`: a JSON error body unless `body`
        (str or bytes) is given; `retry_after` as seconds (number) or verbatim (e.g. a date)."""
        if body is None:
            body = json.dumps({"error": "injected_failure", "error_description": f"fake {status}"})
        raw = body.encode() if isinstance(body, str) else bytes(body)
        fields = {"content-type": content_type, **(headers or {})}
        if retry_after is not None:
            fields["retry-after"] = (
                retry_after if isinstance(retry_after, str) else f"{retry_after:g}"
            )
        encoded = tuple((k.encode("latin-1"), v.encode("latin-1")) for k, v in fields.items())
        self.faults.add(Fault(status, raw, encoded, method=method, path=path), times)

    def html_next(
        self,
        status: int = 200,
        times: int = 1,
        *,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """The next `times` matching requests get a proxy's HTML page with `status`."""
        page = PROXY_PAGE
        self.fail_next(status, times, body=page, content_type="text/html", method=method, path=path)

    def hang_next(
        self, seconds: float, times: int = 1, *, method: str | None = None, path: str | None = None
    ) -> None:
        """The next `times` matching requests are read, then answered normally after `seconds`."""
        self.faults.add(Fault(hang=seconds, method=method, path=path), times)

    def hold_next(
        self,
        seconds: float,
        times: int = 1,
        *,
        land: bool,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """The next `times` matching requests get no answer for `seconds`, then a 504: with
        `land` the platform acted on the request at once (stored it), else never."""
        body, headers = b'{"error": "gateway_timeout"}', ((b"content-type", b"application/json"),)
        fault = Fault(504, body, headers, seconds, method, path, land=land, held=True)
        self.faults.add(fault, times)

    def reset_next(
        self, times: int = 1, *, method: str | None = None, path: str | None = None
    ) -> None:
        """The next `times` matching requests get their connection reset, unanswered."""
        self.faults.add(Fault(method=method, path=path), times)

    def land_then_fail_next(
        self,
        status: int = 500,
        times: int = 1,
        *,
        html: bool = False,
        reset: bool = False,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """The next `times` matching requests take effect (the app handles them), then the
        client gets `status` instead of the app's answer: with `html`, a proxy's HTML page;
        with `reset`, no answer at all (the connection is reset)."""
        body = PROXY_PAGE.encode() if html else b'{"error": "injected_failure"}'
        kind = "text/html" if html else "application/json"
        headers = ((b"content-type", kind.encode()),)
        fault = Fault(0 if reset else status, body, headers, method=method, path=path, land=True)
        self.faults.add(fault, times)
