"""Events API redeliveries: Slack retries an event (same `event_id`, `X-Slack-Retry-Num`) when it
thinks the first delivery failed; the retry is acknowledged and dropped."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from cryptography.fernet import Fernet
from redis.asyncio import Redis

from bot.accounts.crypto import TokenCipher, parse_keys
from bot.store import Store
from handlers.dedupe import drop_redeliveries
from testkit.bot_process import BotProcess
from testkit.fakes.slack import FakeSlack
from testkit.support import free_port, sign, wait_until
from tests.e2e.home_payloads import home_opened


def deliver(bot: BotProcess, body: bytes, retry: int = 0) -> httpx.Response:
    """POST a signed Events API body, marked as Slack's `retry`-th redelivery when retry > 0."""
    headers = sign(bot.signing_secret, body) | {"Content-Type": "application/json"}
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return httpx.post(f"{bot.base_url}/slack/events", content=body, headers=headers)


def published_to(slack: FakeSlack) -> list[str]:
    return [str(call["user_id"]) for call in slack.calls("views.publish")]


def test_a_redelivered_event_is_acked_and_dropped(bot: BotProcess, fake_slack: FakeSlack) -> None:
    event = home_opened("U_ANA")
    assert deliver(bot, event).status_code == 200
    wait_until(lambda: published_to(fake_slack) == ["U_ANA"])
    assert deliver(bot, event, retry=1).status_code == 200
    assert deliver(bot, event, retry=2).status_code == 200
    # A different event after the retries: once its Home is out, the retries had their chance.
    assert deliver(bot, home_opened("U_BOB")).status_code == 200
    wait_until(lambda: "U_BOB" in published_to(fake_slack))
    assert published_to(fake_slack) == ["U_ANA", "U_BOB"]
    assert "Traceback" not in bot.log_text()


@asynccontextmanager
async def store_at(url: str) -> AsyncIterator[Store]:
    """A Store on the Redis at `url`, as bot/services.py builds it."""
    client = Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    cipher = TokenCipher(parse_keys(Fernet.generate_key().decode()))
    try:
        yield Store(client, cipher)
    finally:
        await client.aclose()


class Next:
    """Bolt's `next`, counting how often the middleware let a request through."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> None:
        self.calls += 1


async def test_only_event_callbacks_are_deduplicated(redis_url: str) -> None:
    event = {"type": "event_callback", "event_id": "Ev0DEDUPE01", "event": {}}
    other = {"type": "block_actions", "event_id": "Ev0DEDUPE01"}  # not an event: never dropped
    passed = Next()
    async with store_at(redis_url) as store:
        for body in (event, event, other, other, event | {"event_id": "Ev0DEDUPE02"}):
            answer = await drop_redeliveries(body, store, passed)
            assert answer is None or answer.status == 200
    assert passed.calls == 4


async def test_without_redis_events_still_go_through() -> None:
    event = {"type": "event_callback", "event_id": "Ev0NOREDIS", "event": {}}
    passed = Next()
    async with store_at(f"redis://127.0.0.1:{free_port()}/0") as store:  # nobody there
        for _ in range(2):  # better a rare duplicate than a lost event
            assert await drop_redeliveries(event, store, passed) is None
    assert passed.calls == 2
