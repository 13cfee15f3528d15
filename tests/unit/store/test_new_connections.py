"""bot/services.py: a new Redis connection costs no read of redis-py's package metadata (it
tells Redis the same CLIENT SETINFO, resolved once per process; Redis < 7.2 ignores it)."""

from __future__ import annotations

import asyncio
from importlib import metadata

import pytest
from cryptography.fernet import Fernet
from redis import utils as redis_utils

from bot.services import connect_redis
from bot.settings import Settings


async def test_new_connections_do_not_read_the_package_metadata(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = metadata.version("redis")
    reads: list[str] = []

    def counted() -> str:
        reads.append("redis")
        return version

    monkeypatch.setattr(redis_utils, "get_lib_version", counted)
    keys = Fernet.generate_key().decode()
    settings = Settings.model_validate({"redis_url": redis_url, "token_encryption_keys": keys})
    redis, _ = connect_redis(settings)
    try:
        await asyncio.gather(*(redis.client_list() for _ in range(4)))  # a connection each
        clients = await redis.client_list()
    finally:
        await redis.aclose()
    driver = redis.connection_pool.connection_kwargs["driver_info"]  # what CLIENT SETINFO says
    assert len(clients) >= 4 and (driver.name, driver.lib_version) == ("redis-py", version)
    assert reads == []
