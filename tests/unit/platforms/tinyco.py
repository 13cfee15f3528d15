"""A platform made for the tests: one module, as README's "Add a platform" asks for."""

from __future__ import annotations

from bot.models import Value
from bot.platforms.api import PlatformApi
from bot.platforms.fields import text
from bot.platforms.paging import Paging, iterate
from bot.platforms.spec import ProviderSpec

SPEC = ProviderSpec(
    name="tinyco",
    display_name="TinyCo",
    token_path="/oauth/token",
    default_scope="read",
    token_encoding="form",
    client_auth="client_secret_post",
    expiry="seconds",
    paging=Paging("numbered", items="rows", param="p"),
)
VALUES = "/api/values"


class TinyCo:
    """Adapter: only the company values (the rest of `Provider` is not needed here)."""

    spec = SPEC

    def __init__(self, api: PlatformApi) -> None:
        self._api = api

    async def list_values(self, token: str) -> list[Value]:
        found = iterate(self._api, SPEC.paging, VALUES, token)
        return [
            Value(id=text(row["id"]) or "", name=text(row["name"]) or "") async for row in found
        ]


adapter = TinyCo
