"""Acks before work after acks: while many requests wait for their answer, lazy work starts no
new item beyond its floor (bot/runtime/lazy_work.py), so a burst's acks do not queue behind its
previews on the one event loop. `CountPendingAcks` (ASGI) counts the requests between arrival
and the start of their response in a `PendingAcks`, which calls back when few are left."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.runtime.shared import Shared

AHEAD = 8  # requests waiting for their ack that new lazy work does not wait for


class PendingAcks(Shared):
    """How many requests wait for their answer; `on_few` runs when that drops to `ahead`."""

    def __init__(self, on_few: Callable[[], None], ahead: int = AHEAD) -> None:
        self.ahead, self.pending, self._on_few = ahead, 0, on_few

    @property
    def few(self) -> bool:
        return self.pending <= self.ahead

    def arrived(self) -> None:
        self.pending += 1

    def answered(self) -> None:
        self.pending -= 1
        if self.pending == self.ahead:
            self._on_few()


class CountPendingAcks:
    """ASGI middleware: each HTTP request is pending from its arrival to its response's start
    (or its end, if it ends without one)."""

    def __init__(self, app: ASGIApp, acks: PendingAcks) -> None:
        self.app, self.acks = app, acks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        acks, pending = self.acks, [True]

        def done() -> None:
            if pending:
                pending.clear()
                acks.answered()

        async def answering(message: Message) -> None:
            if message["type"] == "http.response.start":
                done()
            await send(message)

        acks.arrived()
        try:
            await self.app(scope, receive, answering)
        finally:
            done()
