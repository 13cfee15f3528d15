"""The registry of platforms: one module each, one line here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import httpx

from bot.accounts import oauth
from bot.errors import ConfigError, InvalidInput, KudosError
from bot.platforms.api import PlatformApi
from bot.platforms.providers import achievers, cultureamp, kazoo, sevengeese
from bot.platforms.spec import Provider, ProviderSpec
from bot.runtime.shared import Shared
from bot.settings import ProviderSettings, Settings

MODULES: tuple[ModuleType, ...] = (achievers, sevengeese, kazoo, cultureamp)


@dataclass(frozen=True)
class Platform:
    """An enabled platform: its spec, its client settings and its adapter."""

    spec: ProviderSpec
    client: ProviderSettings
    adapter: Provider


class Registry(Shared):
    """The enabled platforms by contract name, and which one is the default."""

    def __init__(self, platforms: dict[str, Platform], default: str | None) -> None:
        self._platforms = platforms
        recognizing = [name for name, p in platforms.items() if p.spec.can_recognize]
        self._default = default or next(iter(recognizing or platforms), None)

    def names(self) -> list[str]:
        return list(self._platforms)

    def use_as_default(self, name: str) -> None:
        """Make an enabled platform the default (the sandbox page's platform switch)."""
        self._default = self.get(name).spec.name

    def others(self, name: str) -> list[Platform]:
        return [platform for key, platform in self._platforms.items() if key != name]

    def get(self, name: str | None = None) -> Platform:
        """The named platform (its contract or display name), or the default one."""
        key = name or self._default
        if key is None:
            raise KudosError("no_platform")
        for platform in self._platforms.values():
            if _squash(key) in (platform.spec.name, _squash(platform.spec.display_name)):
                return platform
        shown = _squash(key)[:40] or "That"  # never echo markup back into Slack
        raise InvalidInput(
            f"'{shown}' isn't a platform this workspace uses. Try: {', '.join(self._platforms)}."
        )


def _squash(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


def resolve(spec: ProviderSpec, client: ProviderSettings) -> ProviderSettings:
    """The client settings with the platform's usual host filled in; missing ones refused."""
    prefix = spec.name.upper()
    base_url = (client.base_url or spec.default_base_url).rstrip("/")
    if not base_url:
        raise ConfigError(f"{prefix}__BASE_URL is required when {prefix}__CLIENT_ID is set.")
    if client.client_secret is None:
        raise ConfigError(f"{prefix}__CLIENT_SECRET is required when {prefix}__CLIENT_ID is set.")
    if "{entity_id}" in (client.scope or spec.default_scope) and not client.entity_id:
        raise ConfigError(f"{prefix}__ENTITY_ID is required when {prefix}__CLIENT_ID is set.")
    return client.model_copy(update={"base_url": base_url})


def build_registry(settings: Settings, http: httpx.AsyncClient) -> Registry:
    clients = settings.providers()
    platforms: dict[str, Platform] = {}
    for module in MODULES:
        spec: ProviderSpec = module.SPEC
        if not clients[spec.name].enabled:
            continue
        client = resolve(spec, clients[spec.name])
        factory: Callable[[PlatformApi], Provider] = module.adapter
        api = PlatformApi(
            http,
            client.base_url,
            spec.display_name,
            scope=oauth.scope_of(spec, client),
            headers=dict(spec.api_headers),
            name=spec.name,
        )
        platforms[spec.name] = Platform(spec, client, factory(api))
    return Registry(platforms, settings.default_provider)
