"""bot/settings.py: environment names from DESIGN.md, secrets hidden, start-up checks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.errors import ConfigError
from bot.settings import ProviderSettings, Settings, check_required, load_settings
from bot.store.sentinel import primary_options
from handlers.words import said

PREFIXES = ("SLACK_", "ACHIEVERS__", "REDIS_", "TOKEN_", "DEFAULT_PROVIDER", "PUBLIC_URL")
KEY = "zT0o4mK5yzqfzN3Yl5C3m4q0S3bVv8Q3rS0bC9hJ1kE="
NO_ENV_FILE: dict[str, Any] = {"_env_file": None}  # a BaseSettings init option mypy can't see
COMPLETE = {
    "SLACK_SIGNING_SECRET": "signing-s3cr3t",
    "SLACK_BOT_TOKEN": "xoxb-bot-s3cr3t",
    "REDIS_URL": "redis://:redis-s3cr3t@127.0.0.1:6379/0",
    "TOKEN_ENCRYPTION_KEYS": KEY,
    "ACHIEVERS__BASE_URL": "https://example.sandbox.achievers.com/",
    "ACHIEVERS__CLIENT_ID": "ach-client",
    "ACHIEVERS__CLIENT_SECRET": "client-s3cr3t",
    "DEFAULT_PROVIDER": "achievers",
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No inherited configuration and no `.env` in the working directory."""
    for name in list(os.environ):
        if name.upper().startswith(PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def with_env(env: pytest.MonkeyPatch, values: dict[str, str]) -> Settings:
    for name, value in values.items():
        env.setenv(name, value)
    return Settings(**NO_ENV_FILE)


def test_nested_provider_variables(env: pytest.MonkeyPatch) -> None:
    settings = with_env(env, COMPLETE | {"ACHIEVERS__SCOPE": "read"})
    achievers = settings.providers()["achievers"]
    assert achievers.client_id == "ach-client"
    assert achievers.base_url == "https://example.sandbox.achievers.com/"
    assert achievers.scope == "read"
    assert isinstance(achievers.client_secret, SecretStr)
    assert achievers.client_secret.get_secret_value() == "client-s3cr3t"
    assert achievers.enabled


def test_defaults(env: pytest.MonkeyPatch) -> None:
    settings = with_env(env, {})
    assert (settings.host, settings.port) == ("0.0.0.0", 3000)
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.redis_url is None
    assert not settings.achievers.enabled


def test_secrets_are_hidden(env: pytest.MonkeyPatch) -> None:
    settings = with_env(env, COMPLETE)
    shown = repr(settings) + str(settings) + repr(settings.achievers)
    assert "s3cr3t" not in shown
    assert KEY not in shown
    assert isinstance(settings.slack_bot_token, SecretStr)
    assert settings.slack_bot_token.get_secret_value() == "xoxb-bot-s3cr3t"


@pytest.mark.parametrize(
    ("client_id", "enabled"), [(None, False), ("", False), ("ach-client", True)]
)
def test_enabled_exactly_when_client_id_is_set(client_id: str | None, enabled: bool) -> None:
    settings = ProviderSettings(base_url="https://x.example", client_id=client_id)
    assert settings.enabled is enabled


def test_load_settings_reads_a_complete_environment(env: pytest.MonkeyPatch) -> None:
    for name, value in COMPLETE.items():
        env.setenv(name, value)
    settings = load_settings()
    assert settings.default_provider == "achievers"
    assert settings.achievers.client_id == "ach-client"


def without(*names: str) -> dict[str, str]:
    return {name: value for name, value in COMPLETE.items() if name not in names}


@pytest.mark.parametrize(
    ("values", "names"),
    [
        (without("SLACK_SIGNING_SECRET"), "SLACK_SIGNING_SECRET"),
        (without("SLACK_BOT_TOKEN"), "SLACK_BOT_TOKEN"),
        (COMPLETE | {"SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET"),
        (COMPLETE | {"SLACK_BOT_TOKEN": " "}, "SLACK_BOT_TOKEN"),
        (without("TOKEN_ENCRYPTION_KEYS"), "TOKEN_ENCRYPTION_KEYS"),
        (without("ACHIEVERS__CLIENT_ID"), "DEFAULT_PROVIDER=achievers"),
        (COMPLETE | {"DEFAULT_PROVIDER": "sevengeese"}, "DEFAULT_PROVIDER=sevengeese"),
    ],
)
def test_check_required(env: pytest.MonkeyPatch, values: dict[str, str], names: str) -> None:
    settings = with_env(env, values)
    with pytest.raises(ConfigError) as raised:
        check_required(settings)
    message = said(raised.value)
    assert names in message
    assert "\n" not in message
    assert "s3cr3t" not in message


@pytest.mark.parametrize(
    "values",
    [COMPLETE, without("REDIS_URL", "TOKEN_ENCRYPTION_KEYS"), without("DEFAULT_PROVIDER")],
)
def test_check_required_accepts(env: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    check_required(with_env(env, values))  # raising would fail the test


@pytest.mark.parametrize("public_url", ["https://kb.example.com", "https://kb.example.com/"])
def test_redirect_uri(env: pytest.MonkeyPatch, public_url: str) -> None:
    settings = with_env(env, {"PUBLIC_URL": public_url})
    assert settings.redirect_uri("achievers") == "https://kb.example.com/oauth/achievers/callback"


def test_variable_names_are_case_insensitive(env: pytest.MonkeyPatch) -> None:
    settings = with_env(
        env, {"achievers__base_url": "https://x.example", "Achievers__Client_Id": "cid"}
    )
    assert (settings.achievers.base_url, settings.achievers.client_id) == (
        "https://x.example",
        "cid",
    )


def test_blank_redis_url_and_keys_mean_unset(env: pytest.MonkeyPatch) -> None:
    """`REDIS_URL=` as in an untouched copy of .env.example: the embedded store."""
    settings = with_env(env, COMPLETE | {"REDIS_URL": "", "TOKEN_ENCRYPTION_KEYS": " "})
    assert settings.redis_url is None and settings.token_encryption_keys is None
    check_required(settings)  # the embedded store needs no key


def test_empty_keys_with_redis_say_how_to_make_one(env: pytest.MonkeyPatch) -> None:
    settings = with_env(env, COMPLETE | {"TOKEN_ENCRYPTION_KEYS": ""})
    with pytest.raises(ConfigError) as raised:
        check_required(settings)
    assert "TOKEN_ENCRYPTION_KEYS is required with REDIS_URL" in said(raised.value)
    assert "Fernet.generate_key()" in said(raised.value)


@pytest.mark.parametrize(
    "url",
    [
        "localhost:6379",
        "http://127.0.0.1:6379/0",
        "redis://127.0.0.1:s3cr3t/0",  # a password where the port goes
        "redis://127.0.0.1:99999/0",
        "redis:/127.0.0.1/0",
    ],
    ids=["no-scheme", "http", "bad-port", "port-out-of-range", "one-slash"],
)
def test_malformed_redis_url_is_one_clear_line(env: pytest.MonkeyPatch, url: str) -> None:
    with pytest.raises(ConfigError) as raised:
        check_required(with_env(env, COMPLETE | {"REDIS_URL": url}))
    message = said(raised.value)
    assert message.startswith("REDIS_URL is not a Redis URL") and "\n" not in message
    assert "s3cr3t" not in message and "127.0.0.1" not in message


@pytest.mark.parametrize(
    "url", ["redis://:s3cr3t@127.0.0.1:6379/0", " rediss://host ", "unix:///run/redis.sock"]
)
def test_good_redis_urls_pass(env: pytest.MonkeyPatch, url: str) -> None:
    check_required(with_env(env, COMPLETE | {"REDIS_URL": url}))


def test_recognize_emoji_is_clap_or_a_list_of_names(env: pytest.MonkeyPatch) -> None:
    assert with_env(env, {}).recognize_emojis == {"clap"}
    listed = with_env(env, {"RECOGNIZE_EMOJI": " :clap:, raised_hands ,,tada"})
    assert listed.recognize_emojis == {"clap", "raised_hands", "tada"}


def test_logs_and_metrics_settings(env: pytest.MonkeyPatch) -> None:
    for name in ("LOG_FORMAT", "LOG_LEVEL", "METRICS_TOKEN"):
        env.delenv(name, raising=False)
    assert (with_env(env, {}).log_format, with_env(env, {}).log_level) == ("text", "INFO")
    assert with_env(env, {"METRICS_TOKEN": ""}).metrics_token is None
    settings = with_env(env, {"LOG_FORMAT": " JSON", "LOG_LEVEL": "debug", "METRICS_TOKEN": "t0k"})
    assert (settings.log_format, settings.log_level) == ("json", "DEBUG")
    assert isinstance(settings.metrics_token, SecretStr) and "t0k" not in repr(settings)


@pytest.mark.parametrize(("name", "value"), [("LOG_FORMAT", "xml"), ("LOG_LEVEL", "loud")])
def test_unknown_log_settings_stop_the_bot(env: pytest.MonkeyPatch, name: str, value: str) -> None:
    for variable, given in (COMPLETE | {name: value}).items():
        env.setenv(variable, given)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert said(raised.value).startswith(name)


def test_sentinels_are_host_port_pairs(env: pytest.MonkeyPatch) -> None:
    sentinels = " s1:26379, 10.0.0.2:26380,[::1]:26381 "
    settings = with_env(env, without("REDIS_URL") | {"REDIS_SENTINELS": sentinels})
    check_required(settings)
    assert settings.shared_redis and settings.redis_sentinel_master == "mymaster"
    assert settings.sentinel_addresses() == [("s1", 26379), ("10.0.0.2", 26380), ("::1", 26381)]


@pytest.mark.parametrize("sentinels", ["s1", "s1:port", "s1:26379,", ":26379", "s1:70000"])
def test_malformed_sentinels_are_one_clear_line(env: pytest.MonkeyPatch, sentinels: str) -> None:
    settings = with_env(env, without("REDIS_URL") | {"REDIS_SENTINELS": sentinels})
    with pytest.raises(ConfigError) as raised:
        check_required(settings)
    assert said(raised.value).startswith("REDIS_SENTINELS must be host:port pairs")


def test_with_sentinels_redis_url_gives_only_credentials(env: pytest.MonkeyPatch) -> None:
    check_required(with_env(env, COMPLETE | {"REDIS_SENTINELS": "s1:26379"}))
    unix = COMPLETE | {"REDIS_SENTINELS": "s1:26379", "REDIS_URL": "unix:///run/redis.sock"}
    with pytest.raises(ConfigError) as raised:
        check_required(with_env(env, unix))
    assert "With REDIS_SENTINELS, REDIS_URL only gives" in said(raised.value)
    assert primary_options("rediss://kb:s3cr3t@ignored:1/2") == {
        "username": "kb",
        "password": "s3cr3t",
        "db": 2,
        "ssl": True,
    }


def test_sentinels_need_the_encryption_keys(env: pytest.MonkeyPatch) -> None:
    values = without("REDIS_URL", "TOKEN_ENCRYPTION_KEYS") | {"REDIS_SENTINELS": "s1:26379"}
    with pytest.raises(ConfigError) as raised:
        check_required(with_env(env, values))
    assert "TOKEN_ENCRYPTION_KEYS is required with REDIS_SENTINELS" in said(raised.value)
