"""Acks before work after acks: while many requests wait for their answer, lazy work starts no
new item beyond its floor (bot/runtime/lazy_work.py), so a burst's acks do not queue behind its
previews on the one event loop. `CountPendingAcks` (ASGI) counts the requests between arrival
and the start of their response in a `PendingAcks`, which calls back when few are left, and
runs what the request asked to be done once it is answered (`when_answered`)."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.runtime.shared import Shared

AHEAD = 0  # acks pending that new work beyond the floor does not wait for: none, acks go first
ON_ANSWER: ContextVar[list[Callable[[], None]] | None] = ContextVar("on_answer", default=None)


def when_answered(callback: Callable[[], None]) -> bool:
    """Run `callback` when the current HTTP request has been answered; False outside one."""
    waiting = ON_ANSWER.get()
    if waiting is None:
        return False
    waiting.append(callback)
    return True


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
        acks, pending, on_answer = self.acks, [True], list[Callable[[], None]]()

        def done() -> None:
            if pending:
                pending.clear()
                acks.answered()
                for callback in on_answer:
                    callback()

        async def answering(message: Message) -> None:
            if message["type"] == "http.response.start":
                done()
            await send(message)

        acks.arrived()
        token = ON_ANSWER.set(on_answer)
        try:
            await self.app(scope, receive, answering)
        finally:
            ON_ANSWER.reset(token)
            done()
