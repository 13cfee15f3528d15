"""Finding a platform person by e-mail; for platforms that can't search, a kept directory."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable

from bot.errors import Busy, KudosError
from bot.models import Owner, Person
from bot.providers import Registry
from bot.shared import Shared
from bot.store import APP, Store
from bot.tokens import Tokens

log = logging.getLogger(__name__)

MAX_AGE = 3600.0  # rebuild a directory older than this, in the background
CHECK_EVERY = 300.0


class DirectoryWarming(KudosError):
    user_message = "I'm still reading the company directory. Please try again in a minute."


@runtime_checkable
class Everyone(Protocol):
    """An adapter that can list every person (platforms with `spec.directory`)."""

    def everyone(self, token: str) -> AsyncIterator[Person]: ...


class Directory(Shared):
    """`find` answers from the platform's search, or from Redis for directory platforms."""

    def __init__(self, store: Store, registry: Registry, tokens: Tokens) -> None:
        self._store = store
        self._registry = registry
        self._tokens = tokens
        self._rebuilding: dict[str, asyncio.Task[int]] = {}

    async def find(self, owner: Owner, email: str) -> Person | None:
        platform = self._registry.get(owner.provider)
        if not platform.spec.directory:
            return await self._tokens.run(
                owner, lambda token: platform.adapter.find_by_email(token, email)
            )
        built, person = await self._store.directory_get(owner.provider, email)
        if built is None or time.time() - built > MAX_AGE:
            self.rebuild_soon(owner.provider)
        if built is None:
            raise DirectoryWarming()
        return person

    def rebuild_soon(self, provider: str) -> asyncio.Task[int]:
        """Start a rebuild in the background unless this process already runs one."""
        running = self._rebuilding.get(provider)
        if running is None or running.done():
            running = self._rebuilding[provider] = asyncio.create_task(self.rebuild(provider))
        return running

    async def rebuild(self, provider: str) -> int:
        """Walk the platform's people once (one process at a time) and swap the directory in."""
        adapter = self._registry.get(provider).adapter
        if not isinstance(adapter, Everyone):
            raise TypeError(f"{provider} is marked as a directory platform but lists nobody")
        try:
            async with self._store.locked(f"directory:{provider}", wait=0):
                if await self._fresh(provider):
                    return 0  # another process rebuilt it while this one was deciding to
                people = await self._tokens.run(
                    Owner(APP, APP, provider), lambda token: _all(adapter.everyone(token))
                )
                await self._store.directory_replace(provider, people)
        except Busy:
            return 0  # another process is rebuilding it
        except KudosError as error:
            log.warning("directory of %s not rebuilt: %s", provider, error.user_message)
            return 0
        log.info("directory of %s rebuilt: %d people", provider, len(people))
        return len(people)

    async def _fresh(self, provider: str) -> bool:
        built = await self._store.directory_built_at(provider)
        return built is not None and time.time() - built <= MAX_AGE

    async def keep_fresh(self) -> None:
        """Runs for the life of the process: rebuild stale directories in the background."""
        names = [n for n in self._registry.names() if self._registry.get(n).spec.directory]
        while names:
            for name in names:
                try:
                    fresh = await self._fresh(name)
                except KudosError:
                    continue  # Redis is away; try again next round
                if not fresh:
                    await self.rebuild_soon(name)
            await asyncio.sleep(CHECK_EVERY)


async def _all(people: AsyncIterator[Person]) -> list[Person]:
    return [person async for person in people]
