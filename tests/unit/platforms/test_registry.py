"""The registry: which platforms are enabled, their resolved settings, and the default."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from slack_bolt.context.async_context import AsyncBoltContext

from bot.errors import ConfigError, InvalidInput
from bot.platforms.registry import MODULES, build_registry
from bot.settings import Settings
from handlers.words import said

SLACK = {"slack_signing_secret": "s", "slack_bot_token": "xoxb-1"}
ACHIEVERS = {"base_url": "https://acme.achievers.com/", "client_id": "a", "client_secret": "x"}
SEVENGEESE = {"client_id": "g", "client_secret": "x"}
KAZOO = {"base_url": "https://acme.youearnedit.com", "client_id": "k", "client_secret": "x"}
CULTUREAMP = {"client_id": "c", "client_secret": "x", "entity_id": "ent-1"}


def registry(**providers: Any) -> Any:
    settings = Settings.model_validate({**SLACK, **providers})
    return build_registry(settings, httpx.AsyncClient())


def test_every_platform_is_one_module_with_a_spec_named_as_in_the_contract() -> None:
    names = [module.SPEC.name for module in MODULES]
    assert names == ["achievers", "sevengeese", "kazoo", "cultureamp"]
    assert all(callable(module.adapter) for module in MODULES)


def test_enabled_exactly_when_client_id_is_set() -> None:
    assert registry().names() == []
    assert registry(achievers=ACHIEVERS, kazoo={"base_url": "https://x"}).names() == ["achievers"]
    everything = registry(
        achievers=ACHIEVERS, sevengeese=SEVENGEESE, kazoo=KAZOO, cultureamp=CULTUREAMP
    )
    assert everything.names() == ["achievers", "sevengeese", "kazoo", "cultureamp"]


@pytest.mark.parametrize(
    ("name", "settings", "base_url"),
    [
        ("achievers", ACHIEVERS, "https://acme.achievers.com"),  # trailing slash dropped
        ("sevengeese", SEVENGEESE, "https://app.7geese.com"),  # the platform's usual host
        ("cultureamp", CULTUREAMP, "https://api.cultureamp.com"),
        (
            "sevengeese",
            SEVENGEESE | {"base_url": "https://eu.7geese.test"},
            "https://eu.7geese.test",
        ),
    ],
)
def test_base_url_resolution(name: str, settings: dict[str, str], base_url: str) -> None:
    assert registry(**{name: settings}).get(name).client.base_url == base_url


@pytest.mark.parametrize(
    ("name", "settings", "variable"),
    [
        ("achievers", ACHIEVERS | {"base_url": ""}, "ACHIEVERS__BASE_URL"),
        ("kazoo", {"client_id": "k", "client_secret": "x"}, "KAZOO__BASE_URL"),
        ("sevengeese", {"client_id": "g"}, "SEVENGEESE__CLIENT_SECRET"),
        ("cultureamp", {"client_id": "c", "client_secret": "x"}, "CULTUREAMP__ENTITY_ID"),
    ],
)
def test_missing_settings_name_the_variable(
    name: str, settings: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigError, match=variable):
        registry(**{name: settings})


def test_default_is_the_first_platform_that_can_recognize() -> None:
    assert registry(cultureamp=CULTUREAMP, kazoo=KAZOO).get().spec.name == "kazoo"
    assert registry(cultureamp=CULTUREAMP).get().spec.name == "cultureamp"
    settings = Settings.model_validate(
        {**SLACK, "achievers": ACHIEVERS, "kazoo": KAZOO, "default_provider": "kazoo"}
    )
    assert build_registry(settings, httpx.AsyncClient()).get().spec.name == "kazoo"


@pytest.mark.parametrize("alias", ["sevengeese", "7Geese", "7geese", "SevenGeese"])
def test_platforms_are_found_by_contract_or_display_name(alias: str) -> None:
    assert registry(sevengeese=SEVENGEESE).get(alias).spec.name == "sevengeese"


def test_unknown_platform_lists_the_enabled_ones() -> None:
    with pytest.raises(InvalidInput, match="Try: achievers, kazoo"):
        registry(achievers=ACHIEVERS, kazoo=KAZOO).get("workday")


def test_an_unknown_platform_is_never_echoed_as_markup() -> None:
    with pytest.raises(InvalidInput) as raised:
        registry(achievers=ACHIEVERS).get("<!channel> *now*")
    assert said(raised.value).startswith("'channelnow' isn't a platform")


def test_a_lazy_listener_gets_the_same_registry_not_a_copy() -> None:
    """Bolt deep-copies the context for lazy listeners; services are `Shared`, so they stay one."""
    shared = registry(achievers=ACHIEVERS)
    copied = AsyncBoltContext({"registry": shared}).to_copyable()
    assert copied["registry"] is shared
