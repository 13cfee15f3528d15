"""Shared by the platform-call tests (their fixtures live in tests/unit/conftest.py)."""

from __future__ import annotations

from bot.platforms.api import PlatformApi

TOKEN = "tok-canary-3f9a7"
BODY_CANARY = "body-canary-81d2"


async def create(api: PlatformApi) -> object:
    """A POST that creates something (never retried blindly)."""
    return await api.call("POST", "/things", TOKEN, json={"message": "thanks"})
