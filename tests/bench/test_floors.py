"""The `bare+read` floor: its `/kudos` reads and opens the sender's link record as the bot does,
and the report compares the bot's CPU per request with it."""

from __future__ import annotations

import httpx
import redis
from cryptography.fernet import Fernet
from starlette.applications import Starlette

from bench.bare import build_app
from bench.measure import Result
from bench.targets import NO_TARGET, cpu_checks
from bot.accounts.crypto import TokenCipher, parse_keys
from bot.models import Owner
from bot.store.keys import link_key
from testkit.bot_env import BOT_TOKEN, SIGNING_SECRET
from testkit.fakes import FakeSlack
from testkit.support import sign, slash_command
from tests.bench.test_scaling import throughput


def run(scenario: str, server: str, cpu_ms: float) -> Result:
    result = throughput(server, 1000, {server: 1.0}, [16])
    result.scenario, result.cpu_ms_per_request = scenario, cpu_ms
    return result


def test_the_bot_is_compared_with_bare_read_for_information() -> None:
    results = [
        run("status", "bare", 0.5),
        run("status", "bare+read", 0.8),
        run("status", "bot", 1.2),
        run("throughput", "bare+read", 0.6),
        run("throughput", "bot", 1.5),
    ]
    found = {check.name: check for check in cpu_checks(results)}
    assert found["status CPU per request bot / bare"].value == "2.4x (0.500 -> 1.200 ms)"
    with_read = found["status CPU per request bot / bare+read"]
    assert (with_read.value, with_read.target, with_read.verdict) == (
        "1.5x (0.800 -> 1.200 ms)",
        NO_TARGET,
        "info",
    )
    assert found["throughput CPU per request bot / bare+read"].value == "2.5x (0.600 -> 1.500 ms)"


def test_without_a_bare_read_run_there_is_no_such_check() -> None:
    results = [run("status", "bare", 0.5), run("status", "bot", 1.2)]
    assert [check.name for check in cpu_checks(results)] == ["status CPU per request bot / bare"]


def serving(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bare")


async def kudos_status(client: httpx.AsyncClient, user: str) -> str:
    body = slash_command("/kudos", "status", user_id=user, response_url="http://127.0.0.1:9/r")
    response = await client.post("/slack/events", content=body, headers=sign(SIGNING_SECRET, body))
    assert response.status_code == 200
    return response.text


async def test_bare_read_opens_the_link_record_the_bot_stored(
    redis_url: str, fake_slack: FakeSlack
) -> None:
    keys = Fernet.generate_key().decode()
    owner = Owner("T1", "U_ANA", "achievers")
    sealed = TokenCipher(parse_keys(keys)).seal(owner, {"account": "ana"})
    with redis.Redis.from_url(redis_url) as client:
        client.set(link_key(owner), sealed)
        client.set(link_key(Owner("T1", "U_BOB", "achievers")), b"not a fernet token")
    env = {
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": f"{fake_slack.base_url}/api/",
        "REDIS_URL": redis_url,
        "TOKEN_ENCRYPTION_KEYS": keys,
        "BENCH_BARE_READ": "1",
    }
    async with serving(build_app(env)) as client:
        answers = [
            await kudos_status(client, user) for user in ("U_ANA", "U_ANA", "U_BOB", "U_DAN")
        ]
        counts = (await client.get("/reads")).json()
    assert answers == ["ok"] * 4
    assert counts == {"found": 2, "unreadable": 1, "missing": 1}


async def test_the_plain_floor_reads_nothing(fake_slack: FakeSlack) -> None:
    env = {
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": f"{fake_slack.base_url}/api/",
    }
    async with serving(build_app(env)) as client:
        assert await kudos_status(client, "U_ANA") == "ok"
        assert (await client.get("/reads")).json() == {}
