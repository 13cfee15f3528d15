"""The doctor never prints a secret: every secret it is given is a canary, and neither a run that
passes nor one where everything is refused shows any of them (stdout or stderr)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from testkit.fakes import FakeAchievers, FakeCultureAmp, FakeSlack
from testkit.redis_process import RedisProcess
from tests.e2e.test_doctor import doctor

RUN = secrets.token_hex(6)
SLACK_TOKEN = f"xoxb-CANARY-bot-{RUN}"
SIGNING_SECRET = f"CANARY-signing-{RUN}"
ACHIEVERS_SECRET = f"CANARY-achievers-{RUN}"
CULTUREAMP_SECRET = f"CANARY-cultureamp-{RUN}"
REDIS_PASSWORD = f"CANARY-redis-{RUN}"
ENCRYPTION_KEY = Fernet.generate_key().decode()
CANARIES = [SLACK_TOKEN, SIGNING_SECRET, ACHIEVERS_SECRET, CULTUREAMP_SECRET, REDIS_PASSWORD]


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(SLACK_TOKEN)
    with fake.serving():
        yield fake


@pytest.fixture
def fake_achievers() -> Iterator[FakeAchievers]:
    fake = FakeAchievers("ach-client", ACHIEVERS_SECRET)
    with fake.serving():
        yield fake


@pytest.fixture
def fake_cultureamp() -> Iterator[FakeCultureAmp]:
    fake = FakeCultureAmp("ca-client", CULTUREAMP_SECRET, "entity-1")
    with fake.serving():
        yield fake


@pytest.fixture
def locked_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    with RedisProcess(tmp_path / "redis", durable=True) as server:
        server.configure(requirepass=REDIS_PASSWORD)
        yield server


@pytest.fixture
def env(
    bot_env: dict[str, str], locked_redis: RedisProcess, fake_cultureamp: FakeCultureAmp
) -> dict[str, str]:
    return bot_env | {
        "SLACK_BOT_TOKEN": SLACK_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "REDIS_URL": f"redis://:{REDIS_PASSWORD}@127.0.0.1:{locked_redis.port}/0",
        "TOKEN_ENCRYPTION_KEYS": ENCRYPTION_KEY,
        "CULTUREAMP__BASE_URL": fake_cultureamp.base_url,
        "CULTUREAMP__CLIENT_ID": fake_cultureamp.client_id,
        "CULTUREAMP__CLIENT_SECRET": CULTUREAMP_SECRET,
        "CULTUREAMP__ENTITY_ID": fake_cultureamp.entity_id,
    }


def leaks(lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    return [canary for canary in [*CANARIES, ENCRYPTION_KEY] if canary in text or RUN in text]


def test_no_secret_in_the_report_whether_checks_pass_or_fail(
    env: dict[str, str], tmp_path: Path
) -> None:
    status, lines = doctor(env, tmp_path)
    assert any(line.startswith("✓ Slack:") for line in lines), lines
    assert any(line.startswith("✓ Redis appendonly:") for line in lines), lines
    assert any(line.startswith("✓ Culture Amp:") for line in lines), lines
    assert any(line.startswith("✗ PUBLIC_URL: no answer: is the bot running") for line in lines)
    assert leaks(lines) == []

    refused = env | {
        "SLACK_BOT_TOKEN": f"{SLACK_TOKEN}-revoked",
        "REDIS_URL": env["REDIS_URL"].replace(REDIS_PASSWORD, f"{REDIS_PASSWORD}-old"),
        "CULTUREAMP__CLIENT_SECRET": f"{CULTUREAMP_SECRET}-old",
    }
    status, lines = doctor(refused, tmp_path)
    assert status == 1
    assert any(line.startswith("✗ Slack: auth.test with SLACK_BOT_TOKEN") for line in lines)
    assert any(line.startswith("✗ Redis: no answer") for line in lines), lines
    assert any(line.startswith("✗ Culture Amp: refused") for line in lines), lines
    assert leaks(lines) == []
