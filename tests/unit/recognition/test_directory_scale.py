"""A directory of 50,000 people answers a lookup with one hash read: O(1) after warm-up."""

from __future__ import annotations

from cryptography.fernet import Fernet
from redis.asyncio import Redis

from bot.accounts.crypto import TokenCipher
from bot.models import Person
from bot.store import Store, keys

PEOPLE = 50_000


async def commands_run(raw: Redis) -> dict[str, int]:
    stats = await raw.info("commandstats")
    return {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}


async def test_a_lookup_in_a_large_directory_is_one_hash_read(raw: Redis) -> None:
    store = Store(raw, TokenCipher([Fernet(Fernet.generate_key())]))
    people = [
        Person(id=f"e{n}", name=f"Person {n}", email=f"p{n}@example.com") for n in range(PEOPLE)
    ]
    await store.directories.replace("cultureamp", people)
    await raw.config_resetstat()
    built, found = await store.directories.get("cultureamp", "P31337@Example.com")
    after = await commands_run(raw)
    assert built is not None and found is not None and found.id == "e31337"
    assert {name: calls for name, calls in after.items() if not name.startswith("config")} == {
        "hmget": 1
    }
    entries = await raw.hlen(keys.directory_key("cultureamp"))  # type: ignore[misc]
    assert entries == PEOPLE + 1  # everyone, and when it was built
