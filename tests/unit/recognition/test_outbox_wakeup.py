"""The Send request and the consumer wake each other through Redis lists: no polling, so a
watch costs the same few commands however long the platform takes."""

from __future__ import annotations

import asyncio

from cryptography.fernet import Fernet
from redis.asyncio import Redis

from bot.accounts.crypto import TokenCipher
from bot.intents import Intent
from bot.models import Sent
from bot.recognition.outbox import Outbox
from bot.store import Store
from tests.unit.recognition.test_directory_scale import commands_run
from tests.unit.store.records import DRAFT


async def blocked_on_blpop(raw: Redis, within: float = 5.0) -> None:
    """Poll until some client waits in BLPOP (the watching request)."""
    async with asyncio.timeout(within):
        while not any(client.get("cmd") == "blpop" for client in await raw.client_list()):  # noqa: ASYNC110 - another client's state: polled
            await asyncio.sleep(0.01)


async def test_a_watch_is_a_few_commands_whatever_it_waits(raw: Redis) -> None:
    store = Store(raw, TokenCipher([Fernet(Fernet.generate_key())]))
    await store.drafts.put(DRAFT)
    outbox = Outbox(store, watch=5.0)
    intent = await outbox.submit(DRAFT)
    await raw.config_resetstat()
    watching = asyncio.create_task(outbox.outcome(intent))
    await blocked_on_blpop(raw)
    done = intent.model_copy(update={"status": "done", "sent": Sent(id="r1")})
    assert await store.intents.finish(done) is True  # the consumer hands it over
    assert await store.intents.taken_by_watcher(intent.id, within=5.0) is True
    shown: Intent = await watching
    assert shown.status == "done"
    ran = await commands_run(raw)
    request = {name: ran.get(name, 0) for name in ("blpop", "get", "time")}
    # One wait on each side. Every GET and one TIME ran inside the hand-over scripts (Redis
    # counts those too); polling would add a GET per look.
    assert request == {"blpop": 2, "get": 3, "time": 2}
