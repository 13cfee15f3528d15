"""Fixtures for 7Geese, KazooHR and Culture Amp: served, seeded fakes and a bot wired to a choice
of platforms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.bot_process import BotProcess, start_bot, stop_process
from testkit.fakes import FakeCultureAmp, FakeKazoo, FakeSevenGeese, FakeSlack
from testkit.fakes.server_data import PlatformFake
from tests.e2e.install_flows import multi_workspace_env
from tests.e2e.platform_flows import (
    KAZOO_IDS,
    PEOPLE,
    SEVENGEESE_IDS,
    SEVENGEESE_SCOPE,
    Launch,
    Recorder,
)

CULTUREAMP_ENTITY = "5e7a1b2c-0000-4000-8000-00000000e171"


def _seed(fake: PlatformFake, ids: dict[str, str]) -> None:
    for slack_id, person_id in ids.items():
        fake.add_person(person_id, *PEOPLE[slack_id])
    fake.logged_in = ids["U_ANA"]
    fake.app = Recorder(fake.app)


@pytest.fixture
def fake_sevengeese() -> Iterator[FakeSevenGeese]:
    """A served 7Geese with Ana, Bob and Carl; Ana is signed in."""
    fake = FakeSevenGeese("geese-client", "geese-secret")
    _seed(fake, SEVENGEESE_IDS)
    with fake.serving():
        yield fake


@pytest.fixture
def fake_kazoo() -> Iterator[FakeKazoo]:
    """A served YouEarnedIt with Ana, Bob and Carl; Ana is signed in."""
    fake = FakeKazoo("kazoo-client", "kazoo-secret")
    _seed(fake, KAZOO_IDS)
    with fake.serving():
        yield fake


@pytest.fixture
def fake_cultureamp() -> Iterator[FakeCultureAmp]:
    """A served Culture Amp with 252 employees on three pages of 100: Ana on the second page,
    Bob on the third."""
    fake = FakeCultureAmp("ca-client", "ca-secret", CULTUREAMP_ENTITY)
    fake.page_size = 100
    fake.add_employees(140)
    fake.add_person("ca-ana", *PEOPLE["U_ANA"])
    fake.add_employees(70)
    fake.add_person("ca-bob", *PEOPLE["U_BOB"])
    fake.add_employees(40)
    fake.app = Recorder(fake.app)
    with fake.serving():
        yield fake


def _platform_env(name: str, fake: PlatformFake, public_url: str) -> dict[str, str]:
    """The variables that enable one platform, pointed at its fake."""
    prefix = name.upper()
    env = {
        f"{prefix}__BASE_URL": fake.base_url,
        f"{prefix}__CLIENT_ID": fake.client_id,
        f"{prefix}__CLIENT_SECRET": fake.client_secret,
    }
    if isinstance(fake, FakeSevenGeese):
        env["SEVENGEESE__SCOPE"] = SEVENGEESE_SCOPE
    if isinstance(fake, FakeCultureAmp):
        env["CULTUREAMP__ENTITY_ID"] = fake.entity_id
    fake.redirect_uri = f"{public_url}/oauth/{name}/callback"
    return env


@pytest.fixture
def launch(
    request: pytest.FixtureRequest, bot_env: dict[str, str], fake_slack: FakeSlack, tmp_path: Path
) -> Iterator[Launch]:
    """Start `python -m bot` with exactly the named platforms enabled (Achievers only when named);
    every bot started is stopped after the test."""
    started: list[BotProcess] = []

    def start(*platforms: str, default: str | None = None) -> BotProcess:
        env = dict(bot_env)
        if "achievers" not in platforms:
            env = {k: v for k, v in env.items() if not k.startswith("ACHIEVERS__")}
        for name in platforms:
            if name != "achievers":
                fake = request.getfixturevalue(f"fake_{name}")
                assert isinstance(fake, PlatformFake)
                env |= _platform_env(name, fake, env["PUBLIC_URL"])
        if default is not None:
            env["DEFAULT_PROVIDER"] = default
        bot = start_bot(env, tmp_path / f"bot-{len(started)}", fake_slack)
        started.append(bot)
        return bot

    yield start
    for bot in started:
        stop_process(bot.process)


@pytest.fixture
def multi_bot(
    tmp_path: Path, bot_env: dict[str, str], fake_slack: FakeSlack
) -> Iterator[BotProcess]:
    """The bot in multi-workspace mode (client credentials, no bot token), nothing installed."""
    running = start_bot(multi_workspace_env(bot_env, fake_slack), tmp_path / "multi", fake_slack)
    try:
        yield running
    finally:
        stop_process(running.process)
