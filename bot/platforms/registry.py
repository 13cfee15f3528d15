"""The registry of platforms: one module each, one line here."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol

import httpx

from bot.errors import InvalidInput, KudosError
from bot.platforms.api import PlatformApi
from bot.platforms.client import ProviderSettings, resolve, scope_of
from bot.platforms.providers import achievers, cultureamp, kazoo, sevengeese
from bot.platforms.spec import Provider, ProviderSpec
from bot.runtime.shared import Shared

MODULES: tuple[ModuleType, ...] = (achievers, sevengeese, kazoo, cultureamp)
PLATFORM_NAMES = tuple(module.SPEC.name for module in MODULES)  # each has settings by this name


class PlatformSettings(Protocol):
    """What the registry reads of the settings (`bot.settings.Settings` is one)."""

    default_provider: str | None

    def providers(self) -> dict[str, ProviderSettings]: ...


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

    def specs(self) -> list[ProviderSpec]:
        return [platform.spec for platform in self._platforms.values()]

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


def build_registry(
    settings: PlatformSettings, http: httpx.AsyncClient, modules: Iterable[ModuleType] = MODULES
) -> Registry:
    """The platforms whose client is configured, each with its adapter on its own API."""
    clients = settings.providers()
    platforms: dict[str, Platform] = {}
    for module in modules:
        spec: ProviderSpec = module.SPEC
        if clients[spec.name].enabled:
            platforms[spec.name] = _platform(module, resolve(spec, clients[spec.name]), http)
    return Registry(platforms, settings.default_provider)


def _platform(module: ModuleType, client: ProviderSettings, http: httpx.AsyncClient) -> Platform:
    spec: ProviderSpec = module.SPEC
    factory: Callable[[PlatformApi], Provider] = module.adapter
    api = PlatformApi(
        http,
        client.base_url,
        spec.display_name,
        scope=scope_of(spec, client),
        headers=dict(spec.api_headers),
        name=spec.name,
    )
    return Platform(spec, client, factory(api))
