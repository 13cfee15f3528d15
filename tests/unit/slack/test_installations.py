"""Multi-workspace mode's pieces: the settings check, the Redis installation and state stores,
and whose data a request reaches (team, or the org of an org-wide install)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from redis.asyncio import Redis
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.oauth.installation_store import Installation

from bot.accounts.crypto import TokenCipher
from bot.errors import ConfigError
from bot.intents import Failure, Intent
from bot.settings import Settings, check_required
from bot.slack.install_store import RedisInstallationStore, RedisStateStore
from bot.store import Store, keys
from bot.store.held_steps import HeldStep
from handlers.words import said
from handlers.workspace import actor_of
from tests.unit.delivery_kit import a_draft

BASE = {"slack_signing_secret": "s", "slack_client_id": "1.2", "slack_client_secret": "c"}


def test_client_credentials_alone_mean_several_workspaces() -> None:
    settings = Settings.model_validate(BASE)
    check_required(settings)
    assert settings.multi_workspace


def test_a_bot_token_beside_client_credentials_stops_the_start_saying_which_to_remove() -> None:
    settings = Settings.model_validate(BASE | {"slack_bot_token": "xoxb-1"})
    with pytest.raises(ConfigError) as refused:
        check_required(settings)
    assert "remove SLACK_BOT_TOKEN" in said(refused.value)
    assert "\n" not in said(refused.value)


def test_neither_a_bot_token_nor_client_credentials_is_refused() -> None:
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN is not set"):
        check_required(Settings.model_validate({"slack_signing_secret": "s"}))


def _context(**fields: object) -> AsyncBoltContext:
    return AsyncBoltContext({"user_id": "U1", **fields})


def test_a_workspace_install_keeps_the_one_workspace_key_and_an_org_install_the_org() -> None:
    assert actor_of(_context(team_id="T1")).owner("achievers").key == "T1:U1:achievers"
    grid_team = _context(team_id="T1", enterprise_id="E1", is_enterprise_install=False)
    assert actor_of(grid_team).owner("achievers").key == "T1:U1:achievers"
    org = _context(team_id="T2", enterprise_id="E1", is_enterprise_install=True)
    assert actor_of(org).owner("achievers").key == "E1:U1:achievers"


async def test_states_are_random_single_use_and_only_a_digest_is_stored(
    store: Store, raw: Redis
) -> None:
    states = RedisStateStore(store)
    state, other = await states.async_issue(), await states.async_issue()
    assert state != other and len(state) >= 32
    assert all(state.encode() not in key for key in [k async for k in raw.scan_iter()])
    assert await states.async_consume(state)
    assert not await states.async_consume(state)
    assert not await states.async_consume("forged")


def _installation(**fields: object) -> Installation:
    values: dict[str, object] = {
        "app_id": "A1",
        "user_id": "U_ADMIN",
        "bot_token": "xoxb-SECRET",
        "bot_id": "B1",
        "bot_user_id": "U_BOT",
        "bot_scopes": "commands,chat:write",
    }
    return Installation(**(values | fields))  # type: ignore[arg-type]


async def test_installations_are_sealed_and_found_by_team_or_by_org(
    store: Store, raw: Redis
) -> None:
    installs = RedisInstallationStore(store)
    await installs.async_save(_installation(team_id="T1"))
    org = _installation(enterprise_id="E1", is_enterprise_install=True, bot_token="xoxb-ORG")
    await installs.async_save(org)
    stored = [await raw.get(key) or b"" async for key in raw.scan_iter()]
    assert stored and all(b"SECRET" not in value for value in stored)
    team = await installs.async_find_bot(enterprise_id=None, team_id="T1")
    assert team is not None and team.bot_token == "xoxb-SECRET" and team.bot_user_id == "U_BOT"
    found = await installs.async_find_bot(
        enterprise_id="E1", team_id="T9", is_enterprise_install=True
    )
    assert found is not None and found.bot_token == "xoxb-ORG"
    assert await installs.async_find_bot(enterprise_id="E1", team_id="T9") is None


async def test_a_record_moved_to_another_workspace_does_not_open(store: Store, raw: Redis) -> None:
    await RedisInstallationStore(store).async_save(_installation(team_id="T1"))
    await raw.set("kb:install:T2", await raw.get("kb:install:T1") or b"")
    assert await store.installs.load("T2") is None


async def test_rotate_keys_re_encrypts_installations_too(raw: Redis) -> None:
    old, new = Fernet(Fernet.generate_key()), Fernet(Fernet.generate_key())
    await RedisInstallationStore(Store(raw, TokenCipher([old]))).async_save(
        _installation(team_id="T1")
    )
    assert await Store(raw, TokenCipher([new, old])).sealed.rotate() == (1, 0)
    installed = await Store(raw, TokenCipher([new])).installs.load("T1")
    assert installed is not None and installed.bot_token == "xoxb-SECRET"


async def test_work_in_flight_at_uninstall_re_creates_nothing_until_a_reinstall(
    store: Store, raw: Redis
) -> None:
    """A delivery or a listener still running when the purge ran writes nothing of the
    workspace afterwards; installed again, its records are kept as before."""
    draft = a_draft()
    intent = Intent(id="i1", draft=draft)
    await store.installs.purge_workspace(draft.team_id)
    # a delivery says "removed", not "revoked"
    assert await store.installs.uninstalled_lately(draft.team_id)
    await store.drafts.put(draft)
    await store.intents.save(intent.model_copy(update={"reason": Failure(code="busy")}))
    assert not await store.intents.finish(intent.model_copy(update={"status": "failed"}))
    await store.intents.enqueue(intent, watch=5)  # a Retry pressed just before
    left = [key async for key in raw.scan_iter()]
    assert left == [keys.uninstalled_key(draft.team_id).encode()]  # a digest only
    assert draft.team_id.encode() not in left[0]
    await RedisInstallationStore(store).async_save(_installation(team_id=draft.team_id))
    assert not await store.installs.uninstalled_lately(draft.team_id)
    await store.drafts.put(draft)
    await store.intents.save(intent)
    assert await store.drafts.get(draft.team_id, draft.user_id, draft.id) == draft
    assert await store.intents.load(intent.id) == intent


async def test_an_uninstall_forgets_the_workspaces_held_steps_only(store: Store) -> None:
    """A step waiting for its runner's link names the workspace: it goes with the uninstall."""
    for step, team in (("Fx1", "T_A"), ("Fx2", "T_A"), ("Fx3", "T_B")):
        await store.steps.hold(HeldStep(step=step, team_id=team, user_id="U1", provider="p"), 600)
    assert await store.steps.forget_workspace("T_A") == 2
    assert await store.steps.claim("Fx1") is None
    kept = await store.steps.claim("Fx3")
    assert kept is not None and kept.team_id == "T_B"
