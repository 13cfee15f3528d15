"""bot/platforms/client.py: the scope a platform's client asks for, as its spec joins it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pydantic import SecretStr

from bot.platforms.client import ProviderSettings, scope_of
from bot.platforms.providers.achievers import SPEC
from bot.platforms.providers.cultureamp import SPEC as CULTUREAMP

CLIENT = ProviderSettings(
    base_url="https://x.example", client_id="cid", client_secret=SecretStr("s")
)


@pytest.mark.parametrize(
    ("scope", "separator", "expected"),
    [
        (None, " ", "read write"),
        ("  read   write ", " ", "read write"),
        ("a b", ",", "a,b"),
        ("a, b,c", ",", "a,b,c"),  # the spec's own separator is a separator too
        # Culture Amp: the comma belongs to the scope (one entity, several permissions)
        ("target-entity:E:employees-read,performance-evaluations-read", " ", None),
        ("target-entity:{entity_id}:a,b other", " ", "target-entity:E:a,b other"),
    ],
)
def test_scope_of(scope: str | None, separator: str, expected: str | None) -> None:
    client = CLIENT.model_copy(update={"scope": scope, "entity_id": "E"})
    assert scope_of(replace(SPEC, scope_separator=separator), client) == (expected or scope)


def test_culture_amp_scope_keeps_its_permissions_together() -> None:
    client = ProviderSettings(
        client_id="c", entity_id="E", scope="target-entity:{entity_id}:employees-read,x-read"
    )
    assert scope_of(CULTUREAMP, client) == "target-entity:E:employees-read,x-read"
    assert scope_of(CULTUREAMP, client.model_copy(update={"scope": None})) == (
        "target-entity:E:employees-read"
    )
