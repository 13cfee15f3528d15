"""Slack installations (multi-workspace mode): sealed bot tokens, install states, the purge
(`store.installs`)."""

from __future__ import annotations

import json
import secrets

from bot.errors import TokenUnreadable
from bot.intents import Intent
from bot.models import Owner
from bot.store import keys, scripts
from bot.store.base import Aggregate, text
from bot.store.installed import Installed


def _install_owner(workspace: str) -> Owner:
    """An installation's record opens only as the installation of its own workspace."""
    return Owner(workspace, keys.APP, "slack")


class Installations(Aggregate):
    """One record per workspace (or org): replaced on reinstall, deleted on uninstall."""

    async def save(self, installed: Installed) -> None:
        workspace = installed.workspace
        blob = self._cipher.seal(_install_owner(workspace), json.loads(installed.model_dump_json()))
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(keys.install_key(workspace), blob)
        pipe.delete(keys.uninstalled_key(workspace))  # installed again: its records may be kept
        await self._call(pipe.execute())

    async def load_version(self, workspace: str) -> tuple[bytes, Installed] | None:
        """The installation and its exact stored bytes (for `swap`); None when not
        installed, or when no key opens the record (then it must be installed again)."""
        blob = await self._call(self._redis.get(keys.install_key(workspace)))
        if blob is None:
            return None
        try:
            return blob, Installed.model_validate(
                self._cipher.open(_install_owner(workspace), blob)
            )
        except TokenUnreadable:
            return None

    async def load(self, workspace: str) -> Installed | None:
        loaded = await self.load_version(workspace)
        return None if loaded is None else loaded[1]

    async def some_workspace(self) -> str | None:
        """A workspace (or org) the app is installed in, if any: what `doctor` checks with."""

        async def first() -> str | None:
            async for key in self._redis.scan_iter(match=keys.install_key("*"), count=500):
                name = text(key)
                return name.removeprefix(keys.install_key(""))
            return None

        found: str | None = await self._call(first())
        return found

    async def swap(self, expected: bytes, installed: Installed) -> bool:
        """Write `installed` only if the record is still `expected` (compare-and-set)."""
        workspace = installed.workspace
        blob = self._cipher.seal(_install_owner(workspace), json.loads(installed.model_dump_json()))
        key = keys.install_key(workspace)
        return bool(await self._call(self._redis.eval(scripts.SWAP, 1, key, expected, blob)))

    async def delete(self, workspace: str) -> None:
        await self._call(self._redis.delete(keys.install_key(workspace)))

    async def uninstalled_lately(self, workspace: str) -> bool:
        """True within an hour of the app's removal from the workspace (see `purge_workspace`)."""
        return bool(await self._call(self._redis.exists(keys.uninstalled_key(workspace))))

    async def issue_state(self) -> str:
        """A random "Add to Slack" state, good for ten minutes."""
        state = secrets.token_urlsafe(32)
        await self._base.set(keys.install_state_key(state), "1", keys.STATE_TTL)
        return state

    async def consume_state(self, state: str) -> bool:
        """True once for a state issued here and not expired; never again."""
        return await self._base.take(keys.install_state_key(state)) is not None

    async def purge_workspace(self, workspace: str) -> int:
        """Delete the installation and everything kept for the workspace's people: links,
        cached values and recipients, drafts. Returns how many keys went. It leaves a mark for
        an hour: a delivery attempt or a listener still running then writes nothing of the
        workspace (the store's writes of recognitions and drafts check it)."""

        async def scan() -> list[bytes | str]:
            found: list[bytes | str] = [keys.install_key(workspace)]
            for pattern in keys.workspace_patterns(workspace):
                found += [key async for key in self._redis.scan_iter(match=pattern, count=500)]
            return found

        found = await self._call(scan())
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(keys.uninstalled_key(workspace), "1", ex=keys.UNINSTALLED_TTL)
        pipe.delete(*found)
        for key in found:  # its people no longer count as linked (`kudos_links`)
            if owner := keys.link_owner(key if isinstance(key, str) else key.decode()):
                pipe.srem(keys.linked_key(owner.provider), owner.key)
        _, deleted, *_ = await self._call(pipe.execute())
        return int(deleted)

    async def end_queued(self, workspace: str) -> int:
        """Every recognition of the workspace goes: one still on its way ends unsent (the
        consumer drops an entry whose record is gone), a final one is forgotten, and so is the
        news of its hand-over, so nothing naming the workspace, its people or their words is
        kept. Returns how many were queued."""

        async def scan() -> list[bytes | str]:
            return [key async for key in self._redis.scan_iter(match=keys.INTENTS, count=500)]

        ended = 0
        for key in await self._call(scan()):
            raw = await self._call(self._redis.get(key))
            intent = None if raw is None else Intent.model_validate_json(raw)
            if intent is None or intent.draft.team_id != workspace:
                continue
            await self._call(self._redis.delete(*keys.intent_keys(intent.id)))
            ended += not intent.final
        return ended
