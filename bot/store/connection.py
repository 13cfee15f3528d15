"""redis-py connections whose socket timeout on writes costs no task and loses no cancel.

redis-py bounds each write with `asyncio.wait_for`, which on Python 3.11 starts a task per
command (an eighth of the CPU of a burst of previews: README, Performance) and is where a
cancellation gets lost (CPython gh-86296: `wait_for` returns its inner call's result when the
cancel lands as that call completes). `asyncio.timeout` gives the same bound, and the same
errors, with one timer in the caller's own task: no inner task whose result could stand in for
the cancel. The cancel reaches the awaited write itself, or, when the write has just completed,
is raised at the task's next step (`Task.cancel` sets `_must_cancel`), so it is never lost.
redis-py already bounds reads and connects this way. This is why this module, alone in bot/, may
use `asyncio.timeout` (pyproject.toml; tests/unit/store/test_connection.py lands the cancel as a
write completes)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from redis.asyncio.connection import AbstractConnection, Connection, parse_url
from redis.exceptions import TimeoutError as RedisTimeoutError


class TimedWrites(AbstractConnection):
    """A connection's write timeout applied by `asyncio.timeout` (reads already are)."""

    async def send_packed_command(
        self, command: bytes | str | Iterable[bytes], check_health: bool = True
    ) -> None:
        timeout = self.socket_timeout
        if not timeout:
            await super().send_packed_command(command, check_health)
            return
        self.socket_timeout = None  # for the write only: super() then writes without wait_for
        try:
            async with asyncio.timeout(timeout):
                await super().send_packed_command(command, check_health)
        except TimeoutError:  # super() disconnected on the cancellation, as on its own timeout
            raise RedisTimeoutError("Timeout writing to socket") from None
        finally:
            self.socket_timeout = timeout


_TIMED: dict[type[AbstractConnection], type[AbstractConnection]] = {}


def timed(connection_class: type[AbstractConnection]) -> type[AbstractConnection]:
    """`connection_class` (TCP, TLS, Unix socket, Sentinel-managed) with `TimedWrites`: one
    class for each, made once."""
    if connection_class not in _TIMED:
        name = f"Timed{connection_class.__name__}"
        _TIMED[connection_class] = type(name, (TimedWrites, connection_class), {})
    return _TIMED[connection_class]


def timed_for_url(url: str) -> type[AbstractConnection]:
    """The timed connection class for what `url`'s scheme picks (`rediss://` keeps its TLS)."""
    picked: type[AbstractConnection] = parse_url(url).get("connection_class", Connection)
    return timed(picked)
