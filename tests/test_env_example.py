"""`.env.example` documents every variable the bot reads (set or commented out)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import ProviderSettings, Settings

ENV_EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


def documented() -> set[str]:
    """Every `NAME=` in the file, including commented-out ones (`# NAME=…`)."""
    return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE))


def variables() -> set[str]:
    """The environment names Settings reads, nested provider fields joined with `__`."""
    providers = Settings.model_construct().providers()
    names = {name.upper() for name in Settings.model_fields if name not in providers}
    per_provider = set(ProviderSettings.model_fields) - {"entity_id"}
    names |= {f"{p.upper()}__{f.upper()}" for p in providers for f in per_provider}
    return names | {"CULTUREAMP__ENTITY_ID"}


def test_every_variable_is_documented() -> None:
    assert variables() - documented() == set()
