"""Shared by the delivery tests: the Achievers fake, a real store on the test Redis, and a
linked sender whose token came from the fake's own sign-in."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
from cryptography.fernet import Fernet
from redis.asyncio import Redis

from bot.accounts.crypto import TokenCipher
from bot.accounts.tokens import Tokens
from bot.intents import Draft, Intent, Recipient
from bot.models import Link, Owner, Person, TokenSet, Value
from bot.platforms.registry import Registry, build_registry
from bot.recognition.consumer import Consumer
from bot.recognition.delivery import ATTEMPT_DEADLINE, Deliverer
from bot.settings import Settings
from bot.store import Store
from testkit.fakes import FakeAchievers

RECOGNITIONS = "/api/v5/recognitions"
OWNER = Owner("T1", "U_ANA", "achievers")
BOB = Recipient(slack_id="U_BOB", name="Bob Stone", person_id="1002")
_drafts = itertools.count()


def user_token(fake: FakeAchievers) -> str:
    """Sign in at the fake as its logged-in member and exchange the code: a live user token."""
    query = urlencode({"client_id": fake.client_id, "response_type": "code", "scope": "read write"})
    consent = httpx.get(f"{fake.base_url}/oauth/v2/openIDConnectClient/authorize?{query}")
    code = parse_qs(urlparse(consent.headers["location"]).query)["code"][0]
    body = {"grant_type": "authorization_code", "code": code}
    body |= {"client_id": fake.client_id, "client_secret": fake.client_secret}
    answer = httpx.post(f"{fake.base_url}/oauth/v2/openIDConnectClient/token", json=body)
    return str(answer.json()["access_token"])


def a_draft() -> Draft:
    """A fresh recognition from Ana to Bob (its own id and text)."""
    n = next(_drafts)
    return Draft(
        id=f"d{n}",
        team_id=OWNER.team_id,
        user_id=OWNER.user_id,
        provider="achievers",
        channel_id="C1",
        recipients=[BOB],
        message=f"thanks for the release ({n})",
        value=Value(id="601", name="Teamwork"),
    )


@dataclass
class Kit:
    """A store and the services a consumer needs, against the fake."""

    fake: FakeAchievers
    store: Store
    registry: Registry
    tokens: Tokens
    told: list[tuple[Intent, bool]] = field(default_factory=list)

    def deliverer(self, deadline: float = ATTEMPT_DEADLINE) -> Deliverer:
        return Deliverer(self.registry, self.tokens, deadline)

    def consumer(self, lock_ttl: float = 6.0) -> Consumer:
        async def on_outcome(intent: Intent, told: bool) -> None:
            self.told.append((intent, told))

        return Consumer(
            self.store, self.deliverer(), on_outcome, worker=True, retry_after=60, lock_ttl=lock_ttl
        )

    def posts(self) -> int:
        return sum(1 for r in self.fake.requests if r[:2] == ("POST", RECOGNITIONS))

    async def queued(self, intent: Intent, watch: float = 0.001) -> tuple[str, str]:
        """Queue `intent` (watched for `watch` s) and claim its outbox entry."""
        await self.store.intents.enqueue(intent, watch)
        await self.store.outbox.create_group()
        [entry] = await self.store.outbox.next("claimer", 60_000, 10)
        return entry


@pytest.fixture
def achievers() -> Iterator[FakeAchievers]:
    fake = FakeAchievers("ach-client", "ach-secret", redirect_uri="http://127.0.0.1:9/callback")
    fake.add_member("1001", "Ana", "Lopez", "ana@example.com")
    fake.add_member("1002", "Bob", "Stone", "bob@example.com")
    fake.logged_in = "1001"
    with fake.serving():
        yield fake


@pytest.fixture
async def kit(achievers: FakeAchievers, redis_url: str) -> AsyncIterator[Kit]:
    settings = Settings.model_validate(
        {
            "achievers": {
                "base_url": achievers.base_url,
                "client_id": achievers.client_id,
                "client_secret": achievers.client_secret,
            }
        }
    )
    redis = Redis.from_url(redis_url)
    async with httpx.AsyncClient() as http:
        store = Store(redis, TokenCipher([Fernet(Fernet.generate_key())]))
        registry = build_registry(settings, http)
        account = Person(id="1001", name="Ana Lopez", email="ana@example.com")
        await store.links.save(
            OWNER, Link(account=account, token=TokenSet(access_token=user_token(achievers)))
        )
        yield Kit(achievers, store, registry, Tokens(store, registry, http))
    await redis.aclose()
