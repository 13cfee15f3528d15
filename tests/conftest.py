"""Fixtures: a real redis-server, the Slack and Achievers fakes, and the bot as a subprocess."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from testkit.bot_env import BOT_TOKEN, bot_environment
from testkit.bot_process import BotProcess, start_bot, stop_process
from testkit.fakes import FakeAchievers, FakeSlack
from testkit.redis_process import RedisProcess
from testkit.support import free_port


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server on 127.0.0.1 for the whole session; yields its URL."""
    with RedisProcess(tmp_path_factory.mktemp("redis")) as server:
        yield server.url


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    """The session's Redis URL, with the database flushed before the test."""
    with redis.Redis.from_url(redis_server) as client:
        client.flushall()
    yield redis_server


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A served Slack fake with a few workspace members."""
    fake = FakeSlack(BOT_TOKEN)
    fake.add_user("U_ANA", "ana", "ana@example.com", real_name="Ana Lopez")
    fake.add_user("U_BOB", "bob", "bob@example.com", real_name="Bob Stone")
    fake.add_user("U_CARL", "carl", "Carl@Example.com", real_name="Carl Diaz")
    fake.add_user("U_DAN", "dan", "dan@example.com", real_name="Dan Moss")
    fake.add_user("U_BOT", "kudosbot", None, real_name="Kudos Bot", is_bot=True)
    with fake.serving():
        yield fake


@pytest.fixture
def fake_achievers() -> Iterator[FakeAchievers]:
    """A served Achievers fake with Ana, Bob and Carl (not Dan); Ana is logged in."""
    fake = FakeAchievers("ach-client", "ach-secret")
    fake.add_member("1001", "Ana", "Lopez", "ana@example.com")
    fake.add_member("1002", "Bob", "Stone", "bob@example.com")
    fake.add_member("1003", "Carl", "Diaz", "carl@example.com")
    fake.logged_in = "1001"
    with fake.serving():
        yield fake


@pytest.fixture
def bot_env(redis_url: str, fake_slack: FakeSlack, fake_achievers: FakeAchievers) -> dict[str, str]:
    """The bot's environment for this test, wired to the fakes; tests may edit it first."""
    port = free_port()
    fake_achievers.redirect_uri = f"http://127.0.0.1:{port}/oauth/achievers/callback"
    return bot_environment(port, redis_url, fake_slack, fake_achievers)


@pytest.fixture
def bot(tmp_path: Path, bot_env: dict[str, str], fake_slack: FakeSlack) -> Iterator[BotProcess]:
    """The bot as a subprocess wired to the fakes and the test Redis."""
    running = start_bot(bot_env, tmp_path / "bot-run", fake_slack)
    try:
        yield running
    finally:
        stop_process(running.process)
