"""Serve a fake's ASGI app on 127.0.0.1 in a background thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.platform_web import base_of, client_auth, form_of, json_error, json_object
from testkit.fakes.faults import Faulty

# The HTTP helpers shared with the sandbox's simulations, which own them.
__all__ = ["base_of", "client_auth", "form_of", "json_error"]

START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0


def _bound_port(server: uvicorn.Server) -> int:
    """Return the TCP port the started server listens on."""
    port: int = server.servers[0].sockets[0].getsockname()[1]
    return port


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    """Poll until the server has started, failing if its thread dies or time runs out."""
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the fake server thread exited before it started")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the fake server did not start within {START_TIMEOUT} s")
        time.sleep(0.01)


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Run `app` with uvicorn on a free local port; yield its base URL (no trailing slash)."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="fake-server", daemon=True)
    thread.start()
    try:
        _wait_started(server, thread)
        yield f"http://127.0.0.1:{_bound_port(server)}"
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        if thread.is_alive():
            server.force_exit = True
            thread.join(STOP_TIMEOUT)


class FakeServer(Faulty):
    """Base of the fakes: an `app` plus the `base_url` it is served on, and failures on demand
    (`fail_next`, `html_next`, `hang_next`, `reset_next`, `latency`: see faults.py)."""

    app: ASGIApp
    base_url: str = ""

    @contextmanager
    def serving(self) -> Iterator[str]:
        """Serve this fake, set `base_url` while it runs, and yield it."""
        with serve(self.app) as url:
            self.base_url = url
            try:
                yield url
            finally:
                self.base_url = ""


class RequestLog:
    """ASGI middleware that records (method, path, content-type) of every HTTP request."""

    def __init__(self, app: ASGIApp, log: list[tuple[str, str, str]], lock: threading.Lock):
        self.app, self.log, self.lock = app, log, lock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Record the request line, then pass the request on."""
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            ctype = headers.get(b"content-type", b"").decode("latin-1")
            with self.lock:
                self.log.append((scope["method"], scope["path"], ctype))
        await self.app(scope, receive, send)


class Logged(NamedTuple):
    """One recorded request, including its raw query string."""

    method: str
    path: str
    content_type: str
    query: str


class QueryRequestLog:
    """ASGI middleware like `RequestLog`, recording `Logged` entries (with the query string)."""

    def __init__(self, app: ASGIApp, log: list[Logged], lock: threading.Lock):
        self.app, self.log, self.lock = app, log, lock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Record the request line, then pass the request on."""
        if scope["type"] == "http":
            ctype = dict(scope["headers"]).get(b"content-type", b"").decode("latin-1")
            entry = Logged(
                scope["method"], scope["path"], ctype, scope["query_string"].decode("latin-1")
            )
            with self.lock:
                self.log.append(entry)
        await self.app(scope, receive, send)


def bearer_token(request: Request) -> str:
    """The request's Bearer token, or ""."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def json_body(request: Request) -> dict[str, Any] | None:
    """The request's JSON object body; None when the body is not a JSON object."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        return None
    return await json_object(request)


async def client_form(request: Request, client: tuple[str, str]) -> dict[str, str] | Response:
    """A token request's form, once its client authenticated (in the body or by HTTP Basic)."""
    fields = await form_of(request)
    if fields is None:
        return json_error(400, "invalid_request", "the body must be form-encoded")
    form = dict(fields)
    if client_auth(request, form) != client:
        return json_error(401, "invalid_client")
    return form
