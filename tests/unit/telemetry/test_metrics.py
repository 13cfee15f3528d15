"""bot/telemetry/metrics.py and bot/telemetry/scrape.py: bounded labels, the token check, what
the scrape reads from Redis (no SCAN), refresh and Redis-error counting, and dead processes
leaving the live gauges."""

from __future__ import annotations

import multiprocessing
import os
import time
from contextlib import nullcontext
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import TimeoutError as RedisTimeout

from bot.accounts.crypto import TokenCipher
from bot.errors import GrantRevoked, ProviderUnavailable, StoreUnavailable
from bot.intents import Intent
from bot.models import Owner
from bot.ops import scrape
from bot.ops.scrape import authorized, exposition, read_stats
from bot.platforms.api import PlatformApi
from bot.platforms.providers import kazoo
from bot.services import connect_redis
from bot.settings import Settings
from bot.slack.requests import _listener
from bot.store import Store, keys, sentinel
from bot.telemetry import metric_files, metrics
from testkit.fakes.kazoo import FakeKazoo
from testkit.support import free_port
from tests.unit.store.records import DRAFT, LINK, OWNER


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("GET", "/api/v5/current-member", "GET /api/v5/current-member"),
        ("GET", "/api/v5/users?q=ana@example.com", "GET /api/v5/users"),
        ("GET", "/api/v3/users/12345", "GET /api/v3/users/{id}"),
        ("GET", "/api/v3/users/9f1c2ab4-77e0", "GET /api/v3/users/{id}"),
        ("GET", "/api/v/2.0/recognitions/", "GET /api/v/2.0/recognitions/"),
        ("POST", "/graphql/", "POST /graphql/"),
    ],
)
def test_operation_is_a_bounded_path_template(method: str, path: str, operation: str) -> None:
    assert metrics.operation(method, path) == operation


@pytest.mark.parametrize(
    ("header", "token", "allowed"),
    [
        (None, None, True),
        ("Bearer anything", None, True),
        ("Bearer s3cret", "s3cret", True),
        ("bearer s3cret", "s3cret", True),
        (None, "s3cret", False),
        ("Bearer s3cre", "s3cret", False),
        ("Bearer s3cret2", "s3cret", False),
        ("Basic s3cret", "s3cret", False),
        ("s3cret", "s3cret", False),
    ],
)
def test_metrics_token(header: str | None, token: str | None, allowed: bool) -> None:
    assert authorized(header, SecretStr(token) if token else None) is allowed


async def test_stats_count_links_the_outbox_and_directory_age(store: Store, raw: Redis) -> None:
    other = Owner("T1", "U2", "achievers")
    await store.links.save(OWNER, LINK)
    await store.links.save(OWNER, LINK)  # saved again (a relink): still one
    await store.links.save(other, LINK.model_copy(update={"confirmed": False}))  # not active yet
    await store.links.save(Owner("T1", "U1", "kazoo"), LINK)
    await store.intents.enqueue(Intent(id="i1", draft=DRAFT), watch=1.0)
    await store.intents.enqueue(Intent(id="i2", draft=DRAFT), watch=1.0)
    await store.directories.replace("cultureamp", [])
    built = str(time.time() - 100)
    await raw.hset(keys.directory_key("cultureamp"), "", built)  # type: ignore[misc]
    stats = await store.stats.read(["achievers", "kazoo", "sevengeese"], ["cultureamp"])
    assert stats.links == {"achievers": 1, "kazoo": 1, "sevengeese": 0}
    assert stats.outbox_pending == 2
    assert 0 <= stats.oldest_pending_seconds < 5
    assert 99 <= stats.directory_age_seconds["cultureamp"] < 105
    assert await store.links.delete(OWNER)
    assert (await store.stats.read(["achievers"], [])).links == {"achievers": 0}


async def test_stats_of_an_empty_store(store: Store) -> None:
    stats = await store.stats.read(["achievers"], ["cultureamp"])
    assert stats.links == {"achievers": 0} and stats.outbox_pending == 0
    assert stats.oldest_pending_seconds == 0 and stats.directory_age_seconds == {}


async def test_a_directory_never_built_is_as_old_as_the_process(store: Store) -> None:
    """Else `kudos_directory_age_seconds` would be absent and KudosDirectoryStale never fire."""
    await store.directories.replace("cultureamp", [])
    stats = await read_stats(store, [], ["cultureamp", "acme"])
    assert stats is not None
    ages = stats.directory_age_seconds
    assert ages["cultureamp"] < 5  # built just now
    assert ages["acme"] == pytest.approx(time.monotonic() - scrape.STARTED, abs=5)
    assert ages["acme"] > 0


async def test_a_record_rotate_keys_drops_no_longer_counts(store: Store, raw: Redis) -> None:
    await store.links.save(OWNER, LINK)
    rotated = Store(raw, TokenCipher([Fernet(Fernet.generate_key())]))  # no key opens it
    assert await rotated.sealed.rotate() == (0, 1)
    assert (await store.stats.read(["achievers"], [])).links == {"achievers": 0}


def test_exposition_without_redis_says_not_ready() -> None:
    text = exposition(None).decode()
    assert "kudos_ready 0.0" in text and "kudos_links" not in text
    assert "kudos_slack_requests_total" in text  # every process's own counters all the same


def counted(metric: object, *labels: str) -> float:
    child = metric.labels(*labels)  # type: ignore[attr-defined]
    value: float = child._value.get()
    return value


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (None, "ok"),
        (GrantRevoked("x"), "revoked"),
        (ProviderUnavailable(), "unavailable"),
        (ValueError("x"), "error"),
    ],
)
def test_token_refreshes_count_by_outcome(error: Exception | None, outcome: str) -> None:
    before = counted(metrics.TOKEN_REFRESHES, "acme", outcome)
    expected = pytest.raises(type(error)) if error else nullcontext()
    with expected, metrics.token_refresh("acme"):
        if error:
            raise error
    assert counted(metrics.TOKEN_REFRESHES, "acme", outcome) == before + 1


async def test_redis_timeouts_and_errors_are_counted() -> None:
    before = counted(metrics.REDIS_ERRORS, "error")
    # Nothing listens on port 1; no retries, as the bot's own client (bot/services.py).
    unreachable = Redis(port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    try:
        with pytest.raises(StoreUnavailable):
            await Store(unreachable, TokenCipher.ephemeral()).intents.load("x")
    finally:
        await unreachable.aclose()
    assert counted(metrics.REDIS_ERRORS, "error") == before + 1


async def test_redis_errors_through_sentinels_are_counted() -> None:
    """With REDIS_SENTINELS, no sentinel answering (so no primary) counts as a Redis error too."""
    settings = Settings.model_validate(
        {
            "redis_sentinels": f"127.0.0.1:{free_port()}",  # nothing listens there
            "token_encryption_keys": Fernet.generate_key().decode(),
        }
    )
    redis, cipher = connect_redis(settings)
    before = counted(metrics.REDIS_ERRORS, "error")
    try:
        with pytest.raises(StoreUnavailable):
            await Store(redis, cipher).intents.load("x")
    finally:
        await sentinel.close(redis)
    assert counted(metrics.REDIS_ERRORS, "error") == before + 1


def test_a_redis_timeout_counts_as_one() -> None:
    before = counted(metrics.REDIS_ERRORS, "timeout")
    metrics.redis_error(RedisTimeout("Timeout reading from 127.0.0.1:6379"))
    metrics.redis_error(TimeoutError())
    assert counted(metrics.REDIS_ERRORS, "timeout") == before + 2


def _live_gauge(role: str) -> None:
    metrics.process_started(role)


def test_a_dead_process_leaves_the_live_gauges() -> None:
    child = multiprocessing.get_context("spawn").Process(target=_live_gauge, args=("tester",))
    child.start()
    child.join()
    assert any(Path(metric_files.DIRECTORY).glob(f"gauge_livesum_{child.pid}.db"))
    assert 'kudos_processes{role="tester"}' not in exposition(None).decode()
    assert not any(Path(metric_files.DIRECTORY).glob(f"gauge_livesum_{child.pid}.db"))


async def test_links_made_before_counting_are_counted_once(store: Store, raw: Redis) -> None:
    await store.links.save(OWNER, LINK)
    await store.links.save(
        Owner("T1", "U2", "achievers"), LINK.model_copy(update={"confirmed": False})
    )
    await store.links.save(Owner("T1", "U3", "kazoo"), LINK)
    await raw.delete(keys.linked_key("achievers"), keys.linked_key("kazoo"))  # as before counting
    # the unconfirmed one (it has a TTL) is not active
    assert await store.stats.count_links_once() == 2
    counted = await store.stats.read(["achievers", "kazoo"], [])
    assert counted.links == {"achievers": 1, "kazoo": 1}
    await store.links.delete(OWNER)
    # once per deployment: the sets are kept from now
    assert await store.stats.count_links_once() == 0
    assert (await store.stats.read(["achievers"], [])).links == {"achievers": 0}


@pytest.mark.parametrize(
    ("body", "listener"),
    [
        (
            {"type": "block_suggestion", "action_id": "recipient", "view": {"callback_id": "send"}},
            "recipient",
        ),
        ({"type": "block_suggestion", "action_id": "value"}, "value"),
        ({"type": "view_submission", "view": {"callback_id": "send"}}, "send"),
        (
            {
                "type": "block_actions",
                "actions": [{"action_id": "go"}],
                "view": {"callback_id": "m"},
            },
            "go",
        ),
    ],
)
def test_the_listener_of_a_menu_inside_a_modal_is_its_action(
    body: dict[str, object], listener: str
) -> None:
    assert _listener(body) == listener


async def test_a_platform_call_by_user_id_is_labelled_by_its_path_template() -> None:
    """`GET /api/v3/users/jdoe` (an id with no digit) is counted as `/users/{id}`, never by id."""
    fake = FakeKazoo("id", "secret")
    with fake.serving():
        async with httpx.AsyncClient() as http:
            api = PlatformApi(http, fake.base_url, "YouEarnedIt", name="kazoo")
            assert await kazoo.adapter(api)._names("t", ["jdoe"]) == {}  # 404: no name
    assert counted(metrics.PLATFORM_CALLS, "kazoo", "GET /api/v3/users/{id}", "4xx") >= 1
    families = metrics.PLATFORM_CALLS.collect()
    assert not any("jdoe" in str(sample.labels) for f in families for sample in f.samples)


def test_the_process_name_is_kept_and_a_forked_child_has_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """prometheus_client asks for it on every update: no system call each time, yet a child
    forked from this process writes files of its own."""
    own = metric_files._process()
    assert own.startswith(str(os.getpid()))
    asked: list[int] = []

    def getpid() -> int:
        asked.append(1)
        return 0

    monkeypatch.setattr(os, "getpid", getpid)
    assert [metric_files._process() for _ in range(3)] == [own] * 3 and not asked
    monkeypatch.undo()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: say its name and leave at once
        os.write(write, metric_files._process().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    with os.fdopen(read, "rb") as said:
        assert said.read().decode() == own.replace(str(os.getpid()), str(child), 1)
