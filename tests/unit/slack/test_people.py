"""Slack's users.info through the pooled session: a hung or reset Slack is a KudosError saying
so, within the client's timeout (the pooled session carries it: slack_sdk doesn't)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.errors import KudosError
from bot.slack.client import SLACK_TIMEOUT, SlackClient, open_session
from bot.slack.people import SlackPeople
from handlers.words import said
from testkit.fakes.slack import FakeSlack

TOKEN = "xoxb-unit"
QUICK = 1  # seconds: the timeout these tests give the client


@pytest.fixture(scope="module")
def served() -> Iterator[FakeSlack]:
    fake = FakeSlack(TOKEN)
    fake.add_user("U_ANA", "ana", "ana@example.com", real_name="Ana Lopez")
    with fake.serving():
        yield fake


@pytest.fixture
def slack(served: FakeSlack) -> Iterator[FakeSlack]:
    served.faults.clear()
    yield served
    served.faults.clear()


@pytest.fixture
async def people(slack: FakeSlack) -> AsyncIterator[SlackPeople]:
    client = SlackClient(token=TOKEN, base_url=f"{slack.base_url}/api/", timeout=QUICK)
    client.session = open_session(client.timeout)
    yield SlackPeople(client)
    await client.session.close()


async def test_the_pooled_session_has_the_slack_timeout() -> None:
    session = open_session()
    try:
        assert session.timeout.total == SLACK_TIMEOUT <= 5
    finally:
        await session.close()


async def test_a_profile(people: SlackPeople) -> None:
    profile = await people.profile("U_ANA")
    assert profile is not None and (profile.name, profile.email) == ("Ana Lopez", "ana@example.com")
    assert await people.profile("U_NOBODY") is None


async def test_a_hung_slack_is_an_error_within_the_timeout(
    people: SlackPeople, slack: FakeSlack
) -> None:
    slack.hang_next(QUICK + 2, path="/api/users.info")
    started = time.monotonic()
    with pytest.raises(KudosError) as raised:
        await people.profile("U_ANA")
    assert "Slack didn't answer" in said(raised.value)
    assert time.monotonic() - started < QUICK + 2


async def test_a_reset_connection_is_an_error(people: SlackPeople, slack: FakeSlack) -> None:
    slack.reset_next(8, path="/api/users.info")  # slack_sdk and aiohttp each retry a reset
    with pytest.raises(KudosError) as raised:
        await people.profile("U_ANA")
    assert "Slack didn't answer" in said(raised.value)
    slack.faults.clear()
    assert (await people.profile("U_ANA")) is not None  # and the next call works again
