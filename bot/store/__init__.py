"""The only way the bot touches Redis; `keys` is the only module that names Redis keys."""

from __future__ import annotations

from bot.store.cache import Cache
from bot.store.drafts import Drafts
from bot.store.held_steps import HeldSteps
from bot.store.installations import Installations
from bot.store.keys import APP, STATE_TTL, UNCONFIRMED_TTL
from bot.store.links import Links
from bot.store.queue import Entry, Queue
from bot.store.scripts import TAKE_WINDOW_US
from bot.store.stats import Stats, StatsReader

__all__ = ["APP", "STATE_TTL", "TAKE_WINDOW_US", "UNCONFIRMED_TTL", "Entry", "Stats", "Store"]


class Store(Links, Drafts, HeldSteps, Queue, Cache, StatsReader, Installations):
    """Typed access to every record the bot keeps in Redis."""
