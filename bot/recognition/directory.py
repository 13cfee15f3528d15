"""Finding a platform person by e-mail; for platforms that can't search, a kept directory."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable

from bot.accounts.tokens import Tokens
from bot.errors import (
    Busy,
    ClientRefused,
    DirectoryCause,
    DirectoryFailed,
    KudosError,
    PermissionMissing,
    ProviderUnavailable,
    Reason,
    UnreadableAnswer,
)
from bot.models import Owner, Person
from bot.platforms.registry import Registry
from bot.runtime import tasks
from bot.runtime.shared import Shared
from bot.store import APP, Store

log = logging.getLogger(__name__)

MAX_AGE = 3600.0  # rebuild a directory older than this, in the background
CHECK_EVERY = 300.0
FIRST_WALK_WAIT = 900.0  # a lookup waits this long for the first walk (a response_url lives 30 min)
WALK_POLL = 0.5  # while another process walks, look again this often

Walk = int | DirectoryFailed  # how many people a walk found, or why it failed


class DirectoryWarming(KudosError):
    reason: Reason = "directory_warming"


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
        self._rebuilding: dict[str, asyncio.Task[Walk]] = {}

    async def find(self, owner: Owner, email: str) -> Person | None:
        platform = self._registry.get(owner.provider)
        if not platform.spec.directory:
            return await self._tokens.run(
                owner, lambda token: platform.adapter.find_by_email(token, email)
            )
        built, person = await self._store.directories.get(owner.provider, email)
        if built is None or time.time() - built > MAX_AGE:
            self.rebuild_soon(owner.provider)
        if built is None:
            raise DirectoryWarming()
        return person

    async def find_when_ready(self, owner: Owner, email: str) -> tuple[Person | None, bool]:
        """Like `find`, but waits for the first walk when it hasn't ended: (person, waited)."""
        try:
            return await self.find(owner, email), False
        except DirectoryWarming:
            await self.first_walk(owner.provider)
        return await self.find(owner, email), True

    async def first_walk(self, provider: str) -> None:
        """Wait for the directory's first walk: this process's, or another's (looked at again
        every WALK_POLL). A walk that fails raises `DirectoryFailed` saying why."""
        try:
            await tasks.within(FIRST_WALK_WAIT, self._walked(provider))
        except TimeoutError:
            raise DirectoryWarming() from None

    async def _walked(self, provider: str) -> None:
        while await self._store.directories.built_at(provider) is None:
            walked = await self.rebuild_soon(provider)
            if isinstance(walked, DirectoryFailed):
                raise walked
            if walked == 0:  # another process holds the walk: look again shortly
                await asyncio.sleep(WALK_POLL)

    def rebuild_soon(self, provider: str) -> asyncio.Task[Walk]:
        """Start a rebuild in the background unless this process already runs one."""
        running = self._rebuilding.get(provider)
        if running is None or running.done():
            running = self._rebuilding[provider] = asyncio.create_task(self.rebuild(provider))
        return running

    async def rebuild(self, provider: str) -> Walk:
        """Walk the platform's people once (one process at a time) and swap the directory in;
        0 when another process walks it or just did."""
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
                await self._store.directories.replace(provider, people)
        except Busy:
            return 0  # another process is rebuilding it
        except KudosError as error:
            name = self._registry.get(provider).spec.display_name
            failed = DirectoryFailed(provider, name, _cause(error))
            log.warning(
                "directory of %s not rebuilt: %s (%s)", provider, failed.cause, type(error).__name__
            )
            return failed
        log.info("directory of %s rebuilt: %d people", provider, len(people))
        return len(people)

    async def _fresh(self, provider: str) -> bool:
        built = await self._store.directories.built_at(provider)
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


def _cause(error: KudosError) -> DirectoryCause:
    """What an admin should check, by the kind of failure."""
    if isinstance(error, ProviderUnavailable | UnreadableAnswer):
        return "unreachable"
    if isinstance(error, PermissionMissing):
        return "permission"
    if isinstance(error, ClientRefused):
        return "scope" if error.oauth_error == "invalid_scope" else "credentials"
    return "other"


async def _all(people: AsyncIterator[Person]) -> list[Person]:
    return [person async for person in people]
