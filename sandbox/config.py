"""The sandbox's configuration: the bot's own Settings, built from explicit values only."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from bot.settings import ProviderSettings, Settings, check_required

HOST = "127.0.0.1"
# The platforms the sandbox simulates, side by side; `--platform` picks the default (the first
# when not given) and the page switches it.
PLATFORMS = ("achievers", "sevengeese", "kazoo")


class SandboxSettings(Settings):
    """Settings from explicit values only: nothing from the environment or .env (so a sandbox
    never reaches a real Redis, Slack or platform someone configured)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def slack_configured() -> bool:
    """Whether any Slack credential is set (environment or .env; an empty value, as in a copy
    of .env.example, is not set): then it's not a sandbox."""
    try:
        settings = Settings()
    except ValidationError:
        return True  # something is configured, wrongly: the normal start-up explains it
    values = (settings.slack_signing_secret, settings.slack_bot_token)
    return any(value is not None and value.get_secret_value() for value in values)


@dataclass(frozen=True)
class Sandbox:
    """Where each part listens, and the secrets they share, fresh for every run."""

    page_port: int
    platform_ports: tuple[int, ...]  # one per name in PLATFORMS, in that order
    bot_port: int
    signing_secret: str
    bot_token: str
    client_id: str
    client_secret: str
    platform: str = PLATFORMS[0]  # the default platform at start

    @classmethod
    def fresh(
        cls, page_port: int, platform_ports: Sequence[int], bot_port: int, platform: str = ""
    ) -> Sandbox:
        return cls(
            page_port,
            tuple(platform_ports),
            bot_port,
            signing_secret=secrets.token_hex(16),
            bot_token=f"xoxb-sandbox-{secrets.token_hex(12)}",
            client_id="kudos-bridge-sandbox",
            # with "+", "/", "%" and "=", as admins may paste one: HTTP Basic must form-encode it
            client_secret=f"sandbox+{secrets.token_urlsafe(24)}/%3D=",
            platform=platform or PLATFORMS[0],
        )

    @property
    def page_url(self) -> str:
        return f"http://{HOST}:{self.page_port}"

    def platform_url(self, name: str) -> str:
        return f"http://{HOST}:{self.platform_ports[PLATFORMS.index(name)]}"

    def redirect_uri(self, name: str) -> str:
        """The platform's callback on the bot, as an admin registers it."""
        return f"{self.bot_url}/oauth/{name}/callback"

    @property
    def bot_url(self) -> str:
        return f"http://{HOST}:{self.bot_port}"

    def settings(self) -> Settings:
        """The bot's configuration: every URL points at a simulation, the store is embedded."""
        clients = {
            name: ProviderSettings(
                base_url=self.platform_url(name),
                client_id=self.client_id,
                client_secret=SecretStr(self.client_secret),
            )
            for name in PLATFORMS
        }
        settings = SandboxSettings.model_validate(
            clients
            | {
                "slack_signing_secret": SecretStr(self.signing_secret),
                "slack_bot_token": SecretStr(self.bot_token),
                "slack_api_url": f"{self.page_url}/api/",
                "public_url": self.bot_url,
                "redis_url": None,
                "default_provider": self.platform,
                "host": HOST,
                "port": self.bot_port,
            }
        )
        check_required(settings)
        return settings
