"""Every platform in the registry keeps the same contract against a fake of its documented API."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.accounts import oauth
from bot.accounts.tokens import Tokens
from bot.errors import GrantRevoked, NotLinked
from bot.models import Person
from bot.platforms.api import PlatformApi
from bot.platforms.paging import iterate
from handlers.words import said
from tests.contract.cases import APP_LEVEL, NO_REFRESH, PER_USER, ROTATING, Case
from tests.contract.conftest import Wired


def only(cases: list[Case]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("case", cases, ids=[c.name for c in cases], indirect=True)


async def echo(token: str) -> str:
    return token


async def expire_stored_token(wired: Wired) -> None:
    """Make the stored token look expired, so the next use must refresh first."""
    link = await wired.store.links.load(wired.owner)
    assert link is not None
    token = link.token.model_copy(update={"expires_at": time.time() - 1})
    await wired.store.links.save(wired.owner, link.model_copy(update={"token": token}))


@only(PER_USER)
async def test_exchange_gives_a_token_with_an_absolute_expiry(wired: Wired) -> None:
    token = await wired.sign_in()
    assert token.access_token
    assert token.expires_at is not None and token.expires_at > time.time() + 3600
    me = await wired.platform.adapter.whoami(token.access_token)
    assert (me.name, me.email) == ("Ana Lopez", "ana@example.com")


@only(ROTATING)
async def test_refresh_rotates_and_the_old_refresh_token_is_dead(wired: Wired) -> None:
    first = await wired.sign_in()
    assert first.refresh_token
    spec, client = wired.platform.spec, wired.platform.client
    second = await oauth.refresh(wired.http, spec, client, first.refresh_token)
    assert second.access_token != first.access_token
    assert second.refresh_token not in (None, first.refresh_token)
    with pytest.raises(GrantRevoked):
        await oauth.refresh(wired.http, spec, client, first.refresh_token)


@only(ROTATING)
async def test_401_then_one_refresh_then_replay(wired: Wired) -> None:
    await wired.link()
    wired.fake.expire_tokens()
    me: Person = await wired.tokens.run(wired.owner, wired.platform.adapter.whoami)
    assert me.email == "ana@example.com"
    assert wired.fake.grant_counts().get("refresh_token") == 1


@only(NO_REFRESH)
async def test_401_without_a_refresh_token_unlinks(wired: Wired) -> None:
    await wired.link()
    wired.fake.expire_tokens()
    with pytest.raises(NotLinked) as raised:
        await wired.tokens.run(wired.owner, wired.platform.adapter.whoami)
    assert "no longer accepts your link" in said(raised.value)
    assert await wired.store.links.load(wired.owner) is None


@only(ROTATING)
async def test_twenty_concurrent_calls_with_an_expired_token_refresh_once(wired: Wired) -> None:
    """Two 'processes' (Tokens objects) share Redis; a reused refresh token would kill it all."""
    await wired.link()
    await expire_stored_token(wired)
    wired.fake.expire_tokens()
    other = Tokens(wired.store, wired.registry, wired.http)
    calls = [
        (wired.tokens if i % 2 else other).run(wired.owner, wired.platform.adapter.whoami)
        for i in range(20)
    ]
    answers = await asyncio.gather(*calls)
    assert {me.email for me in answers} == {"ana@example.com"}
    assert wired.fake.grant_counts().get("refresh_token") == 1
    assert not wired.fake.refresh_reuse_detected
    assert wired.fake.revoked_families() == 0


@only(ROTATING)
async def test_revoked_grant_unlinks_and_says_so(wired: Wired) -> None:
    first = await wired.link()
    assert first.refresh_token
    spec, client = wired.platform.spec, wired.platform.client
    await oauth.refresh(wired.http, spec, client, first.refresh_token)
    with pytest.raises(GrantRevoked):  # reuse: the platform revokes the whole family
        await oauth.refresh(wired.http, spec, client, first.refresh_token)
    await expire_stored_token(wired)
    with pytest.raises(GrantRevoked) as raised:
        await wired.tokens.run(wired.owner, wired.platform.adapter.whoami)
    assert "ended your link" in said(raised.value)
    assert await wired.store.links.load(wired.owner) is None


@only(APP_LEVEL)
async def test_app_token_is_minted_once_and_reminted_after_a_401(wired: Wired) -> None:
    for _ in range(3):
        assert await wired.tokens.run(wired.owner, echo)
    assert wired.fake.grant_counts() == {"client_credentials": 1}
    wired.fake.expire_tokens()
    person = await wired.tokens.run(wired.owner, lambda token: first_person(wired, token))
    assert person.email
    assert wired.fake.grant_counts() == {"client_credentials": 2}


async def first_person(wired: Wired, token: str) -> Person:
    async for person in wired.platform.adapter.everyone(token):  # type: ignore[attr-defined]
        return person  # type: ignore[no-any-return]
    raise AssertionError("nobody listed")


async def test_paging_walks_to_the_end(wired: Wired, case: Case) -> None:
    token = (
        (await wired.link()).access_token
        if case.per_user
        else await wired.tokens.run(wired.owner, echo)
    )
    for _ in range(case.sent):
        await wired.platform.adapter.send(token, ["1002"], "thanks", None)
    spec = wired.platform.spec
    api = PlatformApi(
        wired.http, wired.platform.client.base_url, "fake", headers=dict(spec.api_headers)
    )
    path, params = case.listing
    items = [item async for item in iterate(api, wired.platform.spec.paging, path, token, params)]
    ids = [str(item.get("id")) for item in items]
    assert len(ids) == len(set(ids)) == case.listed
