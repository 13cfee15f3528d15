"""All configuration: environment variables (and `.env`), names fixed by DESIGN.md."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis.connection import parse_url

from bot.errors import ConfigError
from bot.platforms.client import ProviderSettings as ProviderSettings  # re-exported for its users
from bot.platforms.registry import PLATFORM_NAMES


class CommonSettings(BaseSettings):
    """Everything but the platforms' clients, which `with_platforms` adds by registry name."""

    model_config = SettingsConfigDict(
        env_file=".env", env_nested_delimiter="__", extra="ignore", case_sensitive=False
    )

    slack_signing_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_client_id: str | None = None  # with the secret: multi-workspace mode (the install flow)
    slack_client_secret: SecretStr | None = None
    slack_authorize_url: str = "https://slack.com/oauth/v2/authorize"
    slack_api_url: str = "https://slack.com/api/"
    public_url: str = "http://localhost:3000"
    redis_url: SecretStr | None = None
    redis_sentinels: str | None = None  # host:port,host:port,… (see `sentinel_addresses`)
    redis_sentinel_master: str = "mymaster"
    token_encryption_keys: SecretStr | None = None
    default_provider: str | None = None
    outbox_retry_seconds: float = 10.0  # a delivery not finished by then is claimed again
    host: str = "0.0.0.0"  # noqa: S104 - a server that Slack reaches listens on every interface
    port: int = 3000
    web_concurrency: int | None = Field(default=None, ge=1, le=64)  # processes on PORT
    recognize_emoji: str = "clap"  # reactions that start a recognition, comma-separated
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    metrics_token: SecretStr | None = None  # when set, GET /metrics needs it as a bearer token
    metrics_port: int = Field(default=9102, ge=1, le=65535)  # a worker's own /metrics, if private

    @property
    def recognize_emojis(self) -> frozenset[str]:
        """RECOGNIZE_EMOJI's names, as Slack sends them in `reaction` (no colons)."""
        names = (name.strip().strip(":") for name in self.recognize_emoji.split(","))
        return frozenset(name for name in names if name)

    @field_validator("log_format", "log_level", mode="before")
    @classmethod
    def _any_case(cls, value: Any, info: ValidationInfo) -> Any:
        """`json`, `JSON`; `debug`, `DEBUG`: each read in its canonical case."""
        if not isinstance(value, str):
            return value
        return value.strip().lower() if info.field_name == "log_format" else value.strip().upper()

    @field_validator(
        "redis_url", "redis_sentinels", "token_encryption_keys", "metrics_token", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        """`NAME=` with nothing after it (an untouched copy of .env.example) means unset."""
        return (value.strip() or None) if isinstance(value, str) else value

    @property
    def multi_workspace(self) -> bool:
        """Installed through `/slack/install` into any number of workspaces (no bot token)."""
        return bool(self.slack_client_id) and _given(self.slack_client_secret)

    @property
    def shared_redis(self) -> bool:
        """A Redis server every process shares (REDIS_URL or Sentinel), not the embedded store."""
        return self.redis_url is not None or self.redis_sentinels is not None

    def sentinel_addresses(self) -> list[tuple[str, int]]:
        """REDIS_SENTINELS as (host, port) pairs; a malformed entry is a `ConfigError`."""
        addresses: list[tuple[str, int]] = []
        for entry in (self.redis_sentinels or "").split(","):
            host, _, port = entry.strip().rpartition(":")
            if not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ConfigError(
                    "REDIS_SENTINELS must be host:port pairs separated by commas, e.g. "
                    "sentinel-1:26379,sentinel-2:26379,sentinel-3:26379."
                )
            addresses.append((host.strip("[]"), int(port)))
        return addresses

    def providers(self) -> dict[str, ProviderSettings]:
        """Every platform's settings by its contract name, in the registry's order."""
        return {name: value for name, value in self if isinstance(value, ProviderSettings)}

    def redirect_uri(self, provider: str) -> str:
        return f"{self.public_url.rstrip('/')}/oauth/{provider}/callback"

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> ProviderSettings: ...  # a platform's, by its name


def with_platforms(names: Iterable[str]) -> type[CommonSettings]:
    """The settings with a `ProviderSettings` field per platform: `<NAME>__CLIENT_ID`, …"""
    fields: dict[str, Any] = {name: (ProviderSettings, ProviderSettings()) for name in names}
    return create_model("Settings", __base__=CommonSettings, __module__=__name__, **fields)


# Read once in `__main__`; everything else receives it as an argument. Type checkers see the
# common fields, and each platform's through `CommonSettings.__getattr__`.
if TYPE_CHECKING:
    Settings = CommonSettings
else:
    Settings = with_platforms(PLATFORM_NAMES)

KEYGEN = "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"


def load_settings() -> Settings:
    """Settings from the environment, with a one-line reason when they are unusable."""
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        where = "__".join(str(part) for part in first["loc"]).upper()
        raise ConfigError(f"{where}: {first['msg']}") from error
    check_required(settings)
    return settings


def check_required(settings: Settings) -> None:
    """Refuse to start without what production needs."""
    if not _given(settings.slack_signing_secret):
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set: copy it from your Slack app's Basic Information "
            "page into the environment or .env (see .env.example and README, 'Deploy to Slack')."
        )
    check_slack_mode(settings)
    check_redis(settings)
    enabled = [name for name, client in settings.providers().items() if client.enabled]
    if settings.default_provider and settings.default_provider not in enabled:
        raise ConfigError(
            f"DEFAULT_PROVIDER={settings.default_provider} is not an enabled platform "
            f"(enabled: {', '.join(enabled) or 'none'})."
        )


def check_slack_mode(settings: Settings) -> None:
    """Exactly one way to reach Slack: a bot token (one workspace) or client credentials."""
    if settings.multi_workspace and _given(settings.slack_bot_token):
        raise ConfigError(
            "SLACK_BOT_TOKEN and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are both set: remove "
            "SLACK_BOT_TOKEN to serve several workspaces, or the client credentials to serve one."
        )
    if not settings.multi_workspace and not _given(settings.slack_bot_token):
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set: install the app to your workspace and copy the "
            "Bot User OAuth Token (xoxb-…), or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to "
            "install it through /slack/install."
        )


def check_redis(settings: Settings) -> None:
    """REDIS_URL and REDIS_SENTINELS well formed, with the keys that seal what Redis stores."""
    url = settings.redis_url.get_secret_value() if settings.redis_url else None
    if url is not None:
        check_redis_url(url)
    if settings.redis_sentinels is not None:
        settings.sentinel_addresses()
        if url is not None and url.startswith("unix:"):
            raise ConfigError(
                "With REDIS_SENTINELS, REDIS_URL only gives the primary's password, database and "
                "TLS (Sentinel names its host): use redis://:password@/0 or rediss://…, not unix://."
            )
    name = "REDIS_URL" if settings.redis_sentinels is None else "REDIS_SENTINELS"
    if settings.shared_redis and settings.token_encryption_keys is None:
        raise ConfigError(
            f"TOKEN_ENCRYPTION_KEYS is required with {name}: generate a key with `{KEYGEN}`."
        )


def _given(secret: SecretStr | None) -> bool:
    """Set, and not empty (as in an untouched copy of .env.example)."""
    return secret is not None and bool(secret.get_secret_value().strip())


def check_redis_url(url: str) -> None:
    """A URL redis-py can connect with; the reason never repeats it (it may hold a password)."""
    try:
        parse_url(url)  # type: ignore[no-untyped-call]  # redis-py ships no hints for it
    except ValueError as error:
        raise ConfigError(
            "REDIS_URL is not a Redis URL: expected redis://[:password@]host[:port][/db], "
            "rediss://… or unix:///path (leave it empty for the embedded store)."
        ) from error
