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
write completes).

A blocking command (BLPOP and its kind) may wait for its answer as long as it asked Redis to block:
its read (a pipeline's first) is given that long beyond the socket timeout, so a Send's request
blocks once for its outcome rather than once per socket timeout."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from redis.asyncio.connection import AbstractConnection, Connection, parse_url
from redis.exceptions import TimeoutError as RedisTimeoutError

# Commands whose last argument is how long Redis may block them (seconds).
BLOCKING = frozenset({b"BLPOP", b"BRPOP", b"BLMOVE", b"BRPOPLPUSH", b"BZPOPMIN", b"BZPOPMAX"})


def blocks_for(args: tuple[Any, ...]) -> float:
    """How long Redis may block the command `args` before it answers (0 for most)."""
    name = args[0].encode() if isinstance(args[0], str) else bytes(args[0])
    return float(args[-1]) if len(args) > 2 and name.upper() in BLOCKING else 0.0


class TimedWrites(AbstractConnection):
    """A connection's write timeout applied by `asyncio.timeout` (reads already are); a
    blocking command's read given its own wait on top of the socket timeout."""

    _packed_blocks = 0.0  # what was just packed may block Redis this long (seconds)
    _blocks_for = 0.0  # what was just sent: seconds Redis may take before its first answer

    def pack_command(self, *args: Any) -> list[bytes]:
        self._packed_blocks = blocks_for(args)
        return super().pack_command(*args)

    def pack_commands(self, commands: Iterable[Iterable[Any]]) -> list[bytes]:
        listed = [tuple(args) for args in commands]
        packed = super().pack_commands(listed)
        self._packed_blocks = sum(blocks_for(args) for args in listed)
        return packed

    async def read_response(
        self,
        disable_decoding: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109 - redis-py's own signature
        **kwargs: Any,
    ) -> Any:
        blocks, self._blocks_for = self._blocks_for, 0.0
        if timeout is None and blocks and self.socket_timeout:
            timeout = self.socket_timeout + blocks
        return await super().read_response(disable_decoding, timeout, **kwargs)

    async def send_packed_command(
        self, command: bytes | str | Iterable[bytes], check_health: bool = True
    ) -> None:
        blocks, self._packed_blocks = self._packed_blocks, 0.0
        await self._write(command, check_health)
        self._blocks_for = blocks  # after the write: connecting sends (and reads) commands too

    async def _write(self, command: bytes | str | Iterable[bytes], check_health: bool) -> None:
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
