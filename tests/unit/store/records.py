"""Records the store tests (and others) keep in Redis, and a reader of what Redis holds."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.intents import Draft, Recipient
from bot.models import Link, Owner, PendingLink, Person, TokenSet

OWNER = Owner("T1", "U1", "achievers")
STATE = "raw-state-value-0123456789abcdef"
PENDING = PendingLink(team_id="T1", user_id="U1", provider="achievers", code_verifier="v" * 50)
LINK = Link(
    account=Person(id="1001", name="Ana Lopez", email="ana@example.com"),
    token=TokenSet(access_token="AT-plaintext-SECRET", refresh_token="RT-plaintext-SECRET"),
)
DRAFT = Draft(
    id="d1",
    team_id="T1",
    user_id="U1",
    provider="achievers",
    channel_id="C1",
    recipients=[Recipient(slack_id="U2", name="Bob", person_id="1002")],
    message="for the release",
)


async def everything(raw: Redis) -> dict[bytes, bytes]:
    """Every string key in the database with its value (the sets counting links hold owner
    keys only; the canary test reads every type)."""
    return {key: await raw.get(key) async for key in raw.scan_iter(_type="string")}
