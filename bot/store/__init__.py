"""The only way the bot touches Redis; `keys` is the only module that names Redis keys."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.runtime.shared import Shared
from bot.store.base import Cipher, RedisBase
from bot.store.cache import Cache
from bot.store.directories import Directories
from bot.store.drafts import Drafts
from bot.store.events import Events
from bot.store.held_steps import HeldSteps
from bot.store.installations import Installations
from bot.store.intents import Intents
from bot.store.keys import APP, STATE_TTL, UNCONFIRMED_TTL
from bot.store.links import Links
from bot.store.outbox import Entry, OutboxStream
from bot.store.scripts import TAKE_WINDOW_US
from bot.store.sealed import SealedRecords
from bot.store.stats import Stats, StatsReader

__all__ = ["APP", "STATE_TTL", "TAKE_WINDOW_US", "UNCONFIRMED_TTL", "Entry", "Stats", "Store"]


class Store(Shared):
    """Typed access to every record the bot keeps in Redis: one aggregate per kind of record,
    all over one `RedisBase` (one client, typed failures, locks, atomic takes)."""

    def __init__(self, redis: Redis, cipher: Cipher) -> None:
        base = RedisBase(redis, cipher)
        self.links = Links(base)  # OAuth states, links, app-level tokens
        self.sealed = SealedRecords(base)  # every sealed record: key rotation, the doctor
        self.drafts = Drafts(base)
        self.events = Events(base)  # Events API and reaction de-duplication
        self.directories = Directories(base)
        self.intents = Intents(base)  # recognitions queued, and their hand-over
        self.outbox = OutboxStream(base)  # the stream, delivery locks, worker heartbeats
        self.installs = Installations(base)
        self.steps = HeldSteps(base)
        self.cache = Cache(base)
        self.stats = StatsReader(base)
        self.ping, self.locked = base.ping, base.locked
        self.server_version, self.server_setting = base.server_version, base.server_setting
