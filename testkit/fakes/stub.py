"""A tiny platform for testing the calls themselves: a listing, a create endpoint, a GraphQL read.

Every request's arrival is recorded with its monotonic time, before latency or faults apply,
so tests can count attempts and measure the waits between them."""

from __future__ import annotations

import functools
import ssl
import threading
import time
from typing import Any, NamedTuple

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.platforms.limits import Limits
from testkit.fakes.server import FakeServer

# Short real limits for tests: a read timeout of 0.3 s, a retry budget of 1.5 s, tiny backoffs.
FAST_LIMITS = Limits(
    connect=0.5, read=0.3, write=0.5, pool=0.5, total=3.0, retry_budget=1.5,
    attempts=4, backoff_initial=0.01, backoff_max=0.05, backoff_jitter=0.01,
)  # fmt: skip
ITEMS = {"items": [{"id": "1", "name": "Ana"}]}
BADGES = {"data": {"badges": {"edges": [{"node": {"pk": 3, "name": "Teamwork", "active": True}}]}}}


@functools.cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()  # loading the CA store is slow: once per process


def loopback_client() -> httpx.AsyncClient:
    """An httpx client for loopback tests, sharing one TLS context (never used on http://)."""
    return httpx.AsyncClient(verify=_tls())


class Arrival(NamedTuple):
    method: str
    path: str
    query: str
    at: float  # time.monotonic() when the request arrived


class ArrivalLog:
    """ASGI middleware recording every HTTP request as it arrives."""

    def __init__(self, app: ASGIApp, stub: StubPlatform) -> None:
        self.app, self.stub = app, stub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = scope["query_string"].decode("latin-1")
            with self.stub.lock:
                self.stub.arrivals.append(
                    Arrival(scope["method"], scope["path"], query, time.monotonic())
                )
        await self.app(scope, receive, send)


class StubPlatform(FakeServer):
    """GET /items, POST /things (creates one), POST /graphql (badges), POST /token (a token)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.arrivals: list[Arrival] = []
        self.created: list[dict[str, Any]] = []
        routes = [
            Route("/items", self._items),
            Route("/things", self._create, methods=["POST"]),
            Route("/graphql", self._graphql, methods=["POST"]),
            Route("/token", self._token, methods=["POST"]),
        ]
        self.app = ArrivalLog(self._faulty(Starlette(routes=routes)), self)

    def reset(self) -> None:
        """Forget arrivals, creations and queued faults (for a server shared between tests)."""
        with self.lock:
            self.arrivals.clear()
            self.created.clear()
        self.latency = 0.0
        self.faults.clear()

    def count(self, method: str, path: str) -> int:
        with self.lock:
            return sum(1 for a in self.arrivals if (a.method, a.path) == (method, path))

    def times(self) -> list[float]:
        with self.lock:
            return [a.at for a in self.arrivals]

    async def _items(self, request: Request) -> JSONResponse:
        return JSONResponse(ITEMS)

    async def _create(self, request: Request) -> JSONResponse:
        body = await request.json()
        with self.lock:
            self.created.append(body)
            made = {"id": str(len(self.created)), **body}
        return JSONResponse(made, status_code=201)

    async def _graphql(self, request: Request) -> JSONResponse:
        return JSONResponse(BADGES)

    async def _token(self, request: Request) -> JSONResponse:
        return JSONResponse({"access_token": "at-1", "token_type": "Bearer", "expires_in": 3600})
