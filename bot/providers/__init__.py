"""The registry of platforms: one module each, one line here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import httpx

from bot.api import PlatformApi
from bot.errors import KudosError
from bot.providers import achievers
from bot.providers.base import Provider, ProviderSpec
from bot.settings import ProviderSettings, Settings
from bot.shared import Shared

MODULES: tuple[ModuleType, ...] = (achievers,)


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
        self._default = default or next(iter(platforms), None)

    def names(self) -> list[str]:
        return list(self._platforms)

    def get(self, name: str | None = None) -> Platform:
        """The named platform, or the default one; a clear error when none fits."""
        key = name or self._default
        if key is None:
            raise KudosError("No recognition platform is set up yet. Ask your Slack admin.")
        if key not in self._platforms:
            raise KudosError(f"'{key}' isn't a platform this workspace uses.")
        return self._platforms[key]


def build_registry(settings: Settings, http: httpx.AsyncClient) -> Registry:
    clients = settings.providers()
    platforms: dict[str, Platform] = {}
    for module in MODULES:
        spec: ProviderSpec = module.SPEC
        client = clients[spec.name]
        if client.enabled:
            factory: Callable[[PlatformApi], Provider] = module.adapter
            api = PlatformApi(http, client.base_url, spec.display_name)
            platforms[spec.name] = Platform(spec, client, factory(api))
    return Registry(platforms, settings.default_provider)
