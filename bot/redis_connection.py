"""A redis-py connection whose socket timeout on writes costs no task.

redis-py bounds each write with `asyncio.wait_for`, which on Python 3.11 starts a task per
command: an eighth of the CPU of a burst of previews (README, Performance). `asyncio.timeout`
gives the same bound, and the same errors, with one timer."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from redis.asyncio import Connection
from redis.exceptions import TimeoutError as RedisTimeoutError


class TimedConnection(Connection):
    """`Connection` with the write timeout applied by `asyncio.timeout` (reads already are)."""

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
