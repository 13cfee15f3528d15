"""All configuration: environment variables (and `.env`), names fixed by DESIGN.md."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis.connection import parse_url

from bot.errors import ConfigError


class ProviderSettings(BaseModel):
    """One platform's OAuth client; the platform is enabled exactly when `client_id` is set.

    An empty `base_url` means the platform's usual host (see each provider's spec)."""

    base_url: str = ""
    client_id: str | None = None
    client_secret: SecretStr | None = None
    scope: str | None = None
    entity_id: str | None = None  # Culture Amp: the account the app-level token is scoped to

    @property
    def enabled(self) -> bool:
        return bool(self.client_id)


class Settings(BaseSettings):
    """Read once in `__main__`; everything else receives it as an argument."""

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
    token_encryption_keys: SecretStr | None = None
    achievers: ProviderSettings = ProviderSettings()
    sevengeese: ProviderSettings = ProviderSettings()
    kazoo: ProviderSettings = ProviderSettings()
    cultureamp: ProviderSettings = ProviderSettings()
    default_provider: str | None = None
    outbox_retry_seconds: float = 10.0  # a delivery not finished by then is claimed again
    host: str = "0.0.0.0"  # noqa: S104 - a server that Slack reaches listens on every interface
    port: int = 3000
    web_concurrency: int | None = Field(default=None, ge=1, le=64)  # processes on PORT

    @field_validator("redis_url", "token_encryption_keys", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        """`NAME=` with nothing after it (an untouched copy of .env.example) means unset."""
        return (value.strip() or None) if isinstance(value, str) else value

    @property
    def multi_workspace(self) -> bool:
        """Installed through `/slack/install` into any number of workspaces (no bot token)."""
        return bool(self.slack_client_id) and _given(self.slack_client_secret)

    def providers(self) -> dict[str, ProviderSettings]:
        """Every platform's settings by its contract name."""
        return {
            "achievers": self.achievers,
            "sevengeese": self.sevengeese,
            "kazoo": self.kazoo,
            "cultureamp": self.cultureamp,
        }

    def redirect_uri(self, provider: str) -> str:
        return f"{self.public_url.rstrip('/')}/oauth/{provider}/callback"


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
    if settings.redis_url is not None:
        check_redis_url(settings.redis_url.get_secret_value())
        if settings.token_encryption_keys is None:
            raise ConfigError(
                f"TOKEN_ENCRYPTION_KEYS is required with REDIS_URL: generate a key with `{KEYGEN}`."
            )
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
