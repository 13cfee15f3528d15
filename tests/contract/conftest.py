"""A platform fake served on loopback and the bot's own pieces wired to it, in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet
from redis.asyncio import Redis

from bot.accounts import oauth
from bot.accounts.crypto import TokenCipher
from bot.accounts.tokens import Tokens
from bot.models import Link, Owner, TokenSet
from bot.platforms.registry import Platform, Registry, build_registry
from bot.settings import Settings
from bot.store import Store
from tests.contract.cases import CASES, CLIENT_ID, CLIENT_SECRET, Case

REDIRECT = "https://kudos.example.test/oauth/{}/callback"
ANA = Owner("T1", "U_ANA", "")


@dataclass
class Wired:
    """The fake, and the bot's registry, store and tokens pointed at it."""

    case: Case
    fake: Any
    http: httpx.AsyncClient
    registry: Registry
    store: Store
    tokens: Tokens

    @property
    def platform(self) -> Platform:
        return self.registry.get(self.case.name)

    @property
    def owner(self) -> Owner:
        return Owner(ANA.team_id, ANA.user_id, self.case.name)

    async def sign_in(self, person: str = "1001") -> TokenSet:
        """Authorize as `person` at the fake and exchange the code, as the bot's callback does."""
        self.fake.logged_in = person
        verifier = oauth.new_code_verifier() if self.platform.spec.pkce else None
        url = oauth.authorize_url(
            self.platform.spec,
            self.platform.client,
            REDIRECT.format(self.case.name),
            "state-1",
            verifier,
        )
        response = await self.http.get(url)
        code = parse_qs(urlsplit(response.headers["location"]).query)["code"][0]
        return await oauth.exchange_code(
            self.http,
            self.platform.spec,
            self.platform.client,
            code,
            REDIRECT.format(self.case.name),
            verifier,
        )

    async def link(self) -> TokenSet:
        token = await self.sign_in()
        account = await self.platform.adapter.whoami(token.access_token)
        await self.store.links.save(self.owner, Link(account=account, token=token))
        return token


@pytest.fixture(params=CASES, ids=[case.name for case in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    selected: Case = request.param
    return selected


@pytest.fixture
def served(case: Case) -> Iterator[Any]:
    fake = case.make()
    fake.redirect_uri = REDIRECT.format(case.name)
    with fake.serving():
        yield fake


@pytest.fixture
async def wired(case: Case, served: Any, redis_url: str) -> AsyncIterator[Wired]:
    client = {
        "base_url": served.base_url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        **case.extra_settings,
    }
    settings = Settings.model_validate(
        {"slack_signing_secret": "s", "slack_bot_token": "x", case.name: client}
    )
    async with httpx.AsyncClient() as http:
        redis = Redis.from_url(redis_url)
        registry = build_registry(settings, http)
        store = Store(redis, TokenCipher([Fernet(Fernet.generate_key())]))
        yield Wired(case, served, http, registry, store, Tokens(store, registry, http))
        await redis.aclose()
