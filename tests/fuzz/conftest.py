"""One bot per fuzz module: module-scoped fakes, a flushed Redis and `python -m bot`, wrapped in a
`Target` that checks every answer (see tests/fuzz/harness.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from testkit.bot_env import BOT_TOKEN, bot_environment
from testkit.bot_process import start_bot, stop_process
from testkit.fakes import FakeAchievers, FakeSlack
from testkit.support import free_port
from tests.fuzz.harness import FUZZER, Target


@pytest.fixture(scope="module")
def module_slack() -> Iterator[FakeSlack]:
    """Slack with the usual members and the fuzzing user, who is on no platform."""
    fake = FakeSlack(BOT_TOKEN)
    fake.add_user("U_ANA", "ana", "ana@example.com", real_name="Ana Lopez")
    fake.add_user("U_BOB", "bob", "bob@example.com", real_name="Bob Stone")
    fake.add_user(FUZZER, "mallory", "mallory@example.com", real_name="Mallory Fuzz")
    fake.add_user("U_BOT", "kudosbot", None, real_name="Kudos Bot", is_bot=True)
    with fake.serving():
        yield fake


@pytest.fixture(scope="module")
def module_achievers() -> Iterator[FakeAchievers]:
    """Achievers with Ana and Bob (Ana signs in when someone follows a link button)."""
    fake = FakeAchievers("ach-client", "ach-secret")
    fake.add_member("1001", "Ana", "Lopez", "ana@example.com")
    fake.add_member("1002", "Bob", "Stone", "bob@example.com")
    fake.logged_in = "1001"
    with fake.serving():
        yield fake


@pytest.fixture(scope="module")
def module_redis(redis_server: str) -> Iterator[redis.Redis]:
    """The session's Redis, flushed once for this module."""
    with redis.Redis.from_url(redis_server) as client:
        client.flushall()
        yield client


@pytest.fixture(scope="module")
def target(
    tmp_path_factory: pytest.TempPathFactory,
    redis_server: str,
    module_redis: redis.Redis,
    module_slack: FakeSlack,
    module_achievers: FakeAchievers,
) -> Iterator[Target]:
    """The bot, started once for the module and checked once more at its end."""
    port = free_port()
    module_achievers.redirect_uri = f"http://127.0.0.1:{port}/oauth/achievers/callback"
    env = bot_environment(port, redis_server, module_slack, module_achievers)
    bot = start_bot(env, tmp_path_factory.mktemp("fuzz-bot"), module_slack)
    try:
        running = Target(bot, module_achievers, module_redis)
        yield running
        running.finish()
    finally:
        stop_process(bot.process)
