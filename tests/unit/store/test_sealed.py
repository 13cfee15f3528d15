"""`store.sealed`: key rotation over every sealed record."""

from __future__ import annotations

from cryptography.fernet import Fernet
from redis.asyncio import Redis

from bot.accounts.crypto import TokenCipher
from bot.models import Owner
from bot.store import UNCONFIRMED_TTL, Store
from tests.unit.store.records import LINK, OWNER


def cipher_of(*keys: bytes) -> TokenCipher:
    return TokenCipher([Fernet(key) for key in keys])


async def test_rotation_keeps_a_pending_links_expiry(raw: Redis) -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    before = Store(raw, cipher_of(old))
    await before.links.save(OWNER, LINK.model_copy(update={"confirmed": False}))
    await before.links.save(Owner("T1", "U2", "achievers"), LINK)
    assert await Store(raw, cipher_of(new, old)).sealed.rotate() == (2, 0)
    ttls = sorted([await raw.ttl(key) async for key in raw.scan_iter("kb:link:*")])
    assert ttls[0] == -1 and 0 < ttls[1] <= UNCONFIRMED_TTL  # active kept; pending still expires
    after = Store(raw, cipher_of(new))  # the old key can retire
    assert await after.links.load(OWNER) == LINK.model_copy(update={"confirmed": False})
