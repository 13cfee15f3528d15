"""Admission of slash commands into the work after acks, decided before anything else runs:
a command gets a place kept in the queue (bot/runtime/lazy_work.py) that its lazy listener
takes, or, when the queue is full, hears in its ack that the bot is very busy. Bolt runs the
listeners after the middleware chain has returned, so an unused place is given back when the
HTTP request has been answered (bot/runtime/acks_first.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any, cast

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.errors import Overloaded
from bot.runtime.acks_first import when_answered
from bot.runtime.lazy_work import LazyWork
from handlers.errors import on_error


class KeepPlaces(AsyncMiddleware):
    """Listeners may name `kept_place`: the admitted command's place (None for other requests,
    and for commands not in `commands`, which do nothing after their ack and need no place)."""

    def __init__(self, work: LazyWork, commands: Collection[str] | None = None) -> None:
        self._work, self._commands = work, commands

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[Any]]
    ) -> BoltResponse | None:
        command = req.body.get("command")
        if command is None or (self._commands is not None and command not in self._commands):
            req.context["kept_place"] = None
            return cast(BoltResponse | None, await next())
        place = self._work.keep_place()
        if place is None:
            return await on_error(Overloaded(), req.body)  # nothing else runs for it
        req.context["kept_place"] = place
        if not when_answered(place.release):  # by then its lazy listener has taken it
            place.release()  # outside an HTTP request: nothing to keep it until
        return cast(BoltResponse | None, await next())
