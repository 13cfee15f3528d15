"""One platform's OAuth client as configured, and what its spec makes of it (host, scope)."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr

from bot.errors import ConfigError
from bot.platforms.spec import ProviderSpec


class ProviderSettings(BaseModel):
    """One platform's OAuth client; the platform is enabled exactly when `client_id` is set.

    An empty `base_url` means the platform's usual host (see each provider's spec)."""

    base_url: str = ""
    client_id: str | None = None
    client_secret: SecretStr | None = None
    scope: str | None = None
    entity_id: str | None = None  # the account an app-level token is scoped to: `{entity_id}`

    @property
    def enabled(self) -> bool:
        return bool(self.client_id)


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


def scope_of(spec: ProviderSpec, client: ProviderSettings) -> str:
    """The configured scope (or the spec's), `{entity_id}` filled in, joined as the spec says.

    Scopes are configured space-separated (or with the spec's own separator); any other
    character is part of a scope, e.g. the commas of one entity's several permissions in
    `target-entity:<id>:employees-read,performance-evaluations-read`."""
    scope = (client.scope or spec.default_scope).format(entity_id=client.entity_id or "")
    return spec.scope_separator.join(scope.replace(spec.scope_separator, " ").split())
