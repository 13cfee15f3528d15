"""The token lifecycle on every platform of the registry: give up after a second 401, never undo
an unlink, renew ahead of expiry (and keep the current token when the platform is away for that),
survive a key rotation in the middle of a refresh."""

from __future__ import annotations

import asyncio
import time

import pytest
from cryptography.fernet import Fernet
from redis.asyncio import Redis

from bot.accounts import oauth
from bot.accounts.crypto import TokenCipher
from bot.accounts.tokens import Tokens
from bot.errors import NotLinked, ProviderError, ProviderUnavailable
from bot.models import Link
from bot.platforms.registry import MODULES
from bot.store import Store
from handlers.words import said
from testkit.support import async_wait_until
from tests.contract.cases import APP_LEVEL, CASES, PER_USER, ROTATING
from tests.contract.conftest import Wired
from tests.contract.test_providers import echo, first_person, only


def test_the_cases_cover_every_platform_of_the_registry() -> None:
    specs = [module.SPEC for module in MODULES]
    assert sorted(case.name for case in CASES) == sorted(spec.name for spec in specs)
    assert {case.name for case in APP_LEVEL} == {spec.name for spec in specs if not spec.per_user}


def token_requests(wired: Wired) -> int:
    """Requests that reached the platform's token endpoint (answered or not)."""
    return sum(1 for entry in wired.fake.requests if entry[1] == wired.platform.spec.token_path)


async def expire_in(wired: Wired, seconds: float, store: Store | None = None) -> None:
    """Make the stored link's token expire `seconds` from now, as far as the bot knows."""
    store = store or wired.store
    link = await store.links.load(wired.owner)
    assert link is not None
    token = link.token.model_copy(update={"expires_at": time.time() + seconds})
    await store.links.save(wired.owner, link.model_copy(update={"token": token}))


async def app_token_expires_in(wired: Wired, seconds: float) -> None:
    name = wired.case.name
    token = await wired.store.links.load_app_token(name)
    assert token is not None
    await wired.store.links.save_app_token(
        name, token.model_copy(update={"expires_at": time.time() + seconds})
    )


def refreshes(wired: Wired) -> int:
    counts: dict[str, int] = wired.fake.grant_counts()
    return counts.get("refresh_token", 0)


# ---- a second 401 ------------------------------------------------------------------------------


@only(ROTATING)
async def test_a_second_401_after_one_refresh_unlinks(wired: Wired) -> None:
    await wired.link()
    wired.fake.fail_next(401, times=2)  # the token is refused, and so is the refreshed one
    with pytest.raises(NotLinked) as raised:
        await wired.tokens.run(wired.owner, wired.platform.adapter.whoami)
    assert "no longer accepts" in said(raised.value)
    assert await wired.store.links.load(wired.owner) is None
    assert refreshes(wired) == 1


@only(APP_LEVEL)
async def test_a_second_401_after_one_remint_is_refused(wired: Wired) -> None:
    wired.fake.fail_next(401, times=2)
    with pytest.raises(ProviderError) as raised:
        await wired.tokens.run(wired.owner, lambda token: first_person(wired, token))
    assert "refused this app's access" in said(raised.value)
    assert wired.fake.grant_counts() == {"client_credentials": 2}


# ---- compare-and-set ---------------------------------------------------------------------------


@only(ROTATING)
async def test_an_unlink_during_a_refresh_is_not_undone(wired: Wired) -> None:
    await wired.link()
    await expire_in(wired, -1)
    sent = token_requests(wired)
    wired.fake.hang_next(0.5, path=wired.platform.spec.token_path)
    call = asyncio.create_task(wired.tokens.run(wired.owner, echo))
    await async_wait_until(lambda: token_requests(wired) > sent)  # the refresh is in flight
    assert await wired.store.links.delete(wired.owner)  # the user unlinks meanwhile
    assert await call  # the refreshed token serves the call in flight ...
    assert await wired.store.links.load(wired.owner) is None  # ... and is not written back
    assert refreshes(wired) == 1


# ---- ahead of expiry ---------------------------------------------------------------------------


@only(PER_USER)
async def test_a_link_within_its_margin_is_renewed_once(wired: Wired) -> None:
    first = await wired.link()
    await expire_in(wired, wired.platform.spec.refresh_margin / 2)
    renewed = await wired.tokens.run(wired.owner, echo)
    again = await wired.tokens.run(wired.owner, echo)
    assert again == renewed
    if wired.case.rotates:
        assert renewed != first.access_token and refreshes(wired) == 1
    else:  # nothing to renew it with: the still valid token serves, nothing else is asked
        assert renewed == first.access_token and token_requests(wired) == 1


@only(APP_LEVEL)
async def test_an_app_token_within_its_margin_is_reminted(wired: Wired) -> None:
    first = await wired.tokens.run(wired.owner, echo)
    await app_token_expires_in(wired, wired.platform.spec.refresh_margin / 2)
    second = await wired.tokens.run(wired.owner, echo)
    assert second != first and await wired.tokens.run(wired.owner, echo) == second
    assert wired.fake.grant_counts() == {"client_credentials": 2}


@only(ROTATING)
async def test_an_early_refresh_with_the_platform_away_keeps_the_current_token(
    wired: Wired,
) -> None:
    first = await wired.link()
    await expire_in(wired, wired.platform.spec.refresh_margin / 2)
    wired.fake.fail_next(503, path=wired.platform.spec.token_path)
    assert await wired.tokens.run(wired.owner, echo) == first.access_token
    await expire_in(wired, -1)  # once it has expired, the platform being away is the answer
    wired.fake.fail_next(503, path=wired.platform.spec.token_path)
    with pytest.raises(ProviderUnavailable) as raised:
        await wired.tokens.run(wired.owner, echo)
    assert "isn't available right now" in said(raised.value)
    assert await wired.store.links.load(wired.owner) is not None  # the link is kept
    assert refreshes(wired) == 0
    assert await wired.tokens.run(wired.owner, echo) != first.access_token  # and renewed later


@only(APP_LEVEL)
async def test_an_early_remint_with_the_platform_away_keeps_the_current_token(
    wired: Wired,
) -> None:
    first = await wired.tokens.run(wired.owner, echo)
    await app_token_expires_in(wired, wired.platform.spec.refresh_margin / 2)
    wired.fake.fail_next(503, path=wired.platform.spec.token_path)
    assert await wired.tokens.run(wired.owner, echo) == first
    assert wired.fake.grant_counts() == {"client_credentials": 1}


@only(APP_LEVEL)
async def test_a_scope_with_several_permissions_is_sent_whole(wired: Wired) -> None:
    """Culture Amp: `target-entity:<id>:a,b` is one scope; its commas are not separators."""
    wired.fake.credential_permissions |= {"performance-evaluations-read"}
    scope = "target-entity:{entity_id}:employees-read,performance-evaluations-read"
    client = wired.platform.client.model_copy(update={"scope": scope})
    token = await oauth.client_credentials(wired.http, wired.platform.spec, client)
    assert token.scope == scope.format(entity_id=client.entity_id)


# ---- keys rotated ------------------------------------------------------------------------------


@only(APP_LEVEL)
async def test_an_app_token_no_key_opens_is_minted_again(wired: Wired, redis_url: str) -> None:
    await wired.tokens.run(wired.owner, echo)
    redis = Redis.from_url(redis_url)
    try:
        stranger = Store(redis, TokenCipher([Fernet(Fernet.generate_key())]))
        tokens = Tokens(stranger, wired.registry, wired.http)
        assert await tokens.run(wired.owner, echo)  # not "your link needs renewing"
        assert await stranger.links.load_app_token(wired.case.name) is not None
    finally:
        await redis.aclose()
    assert wired.fake.grant_counts() == {"client_credentials": 2}


@only(ROTATING)
async def test_a_key_rotation_during_a_refresh_keeps_the_new_refresh_token(
    wired: Wired, redis_url: str
) -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    redis = Redis.from_url(redis_url)
    try:
        before, both = (Store(redis, cipher(*keys)) for keys in ((old,), (new, old)))
        token = await wired.sign_in()
        account = await wired.platform.adapter.whoami(token.access_token)
        await before.links.save(wired.owner, Link(account=account, token=token))
        await expire_in(wired, -1, before)
        tokens = Tokens(both, wired.registry, wired.http)  # the bot, with both keys listed
        sent = token_requests(wired)
        wired.fake.hang_next(0.5, path=wired.platform.spec.token_path)
        call = asyncio.create_task(tokens.run(wired.owner, echo))
        await async_wait_until(lambda: token_requests(wired) > sent)
        assert await both.sealed.rotate() == (1, 0)  # rotate-keys, mid-refresh
        fresh = await call
        after = Store(redis, cipher(new))  # the old key retired
        link = await after.links.load(wired.owner)
        assert link is not None and link.token.access_token == fresh
        assert link.token.refresh_token == wired.fake.issued_tokens()[-1]  # the newest one
        await expire_in(wired, -1, after)
        assert await Tokens(after, wired.registry, wired.http).run(wired.owner, echo)
    finally:
        await redis.aclose()
    assert refreshes(wired) == 2
    assert not wired.fake.refresh_reuse_detected and wired.fake.revoked_families() == 0


def cipher(*keys: bytes) -> TokenCipher:
    return TokenCipher([Fernet(key) for key in keys])
