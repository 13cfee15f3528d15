"""The Redis primary found through Sentinel (REDIS_SENTINELS), followed across a failover."""

from __future__ import annotations

from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.connection import SSLConnection, parse_url
from redis.asyncio.sentinel import (
    Sentinel,
    SentinelConnectionPool,
    SentinelManagedConnection,
    SentinelManagedSSLConnection,
)

from bot.store.connection import timed


class BlockingSentinelPool(SentinelConnectionPool, BlockingConnectionPool):
    """Sentinel's pool, bounded and blocking like the REDIS_URL pool.

    Every new connection asks the sentinels where the primary is, and connections to a primary
    that was replaced are dropped, so a failover is followed without a restart. Its connections
    bound writes as the REDIS_URL pool's do (bot/store/connection.py), and its errors are the
    same, so bot/store/base.py tells busy from unavailable alike during a failover."""

    def __init__(self, service_name: str, sentinel_manager: Sentinel, **kwargs: Any) -> None:
        tls = kwargs.pop("ssl", False)
        managed = SentinelManagedSSLConnection if tls else SentinelManagedConnection
        super().__init__(  # type: ignore[no-untyped-call]
            service_name, sentinel_manager, connection_class=timed(managed), **kwargs
        )


def primary_through_sentinels(
    addresses: list[tuple[str, int]], master: str, sentinel_options: dict[str, Any], **pool: Any
) -> Redis:
    """A client of `master`'s current primary; `sentinel_options` apply to the sentinels."""
    sentinel = Sentinel(addresses, sentinel_kwargs=sentinel_options)  # type: ignore[no-untyped-call]
    client: Redis = sentinel.master_for(master, connection_pool_class=BlockingSentinelPool, **pool)
    return client


def primary_options(url: str) -> dict[str, Any]:
    """What REDIS_URL gives the primary Sentinel names: user name, password, database, TLS
    (`rediss://`) and query options; never a host or port (Sentinel names those)."""
    options: dict[str, Any] = dict(parse_url(url))
    for placed in ("host", "port", "path"):
        options.pop(placed, None)
    if options.pop("connection_class", None) is SSLConnection:
        options["ssl"] = True  # Sentinel's pool picks its own TLS connection class
    return options


async def close(redis: Redis) -> None:
    """Close the client, and the connections to the sentinels that named its primary."""
    pool = redis.connection_pool
    await redis.aclose()
    if isinstance(pool, SentinelConnectionPool):
        for sentinel in pool.sentinel_manager.sentinels:
            await sentinel.aclose()
