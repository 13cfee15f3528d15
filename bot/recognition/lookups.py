"""Read-only questions users ask: recent recognitions, values."""

from __future__ import annotations

from bot.accounts.tokens import Tokens
from bot.errors import InvalidInput, NotLinked
from bot.models import Owner, Person, Value
from bot.platforms.paging import NextPage
from bot.platforms.registry import Registry
from bot.platforms.spec import RecentPage
from bot.recognition.directory import Directory
from bot.runtime.shared import Shared
from bot.slack.people import SlackPeople


class Lookups(Shared):
    """Answers from the platform, on the asking user's own token."""

    def __init__(
        self, registry: Registry, tokens: Tokens, directory: Directory, people: SlackPeople
    ) -> None:
        self._registry = registry
        self._tokens = tokens
        self._directory = directory
        self._people = people

    async def subject(self, owner: Owner, slack_id: str | None) -> Person:
        """The platform person a lookup is about: someone mentioned, or the asker."""
        spec = self._registry.get(owner.provider).spec
        if slack_id is None or slack_id == owner.user_id:
            link = await self._tokens.link(owner) if spec.per_user else None
            if link is None:
                raise NotLinked(owner.provider, "link_first", name=spec.display_name)
            return link.account
        profile = await self._people.recipient(slack_id)
        person = await self._directory.find(owner, profile.email or "")
        if person is None:
            raise InvalidInput(f"{profile.name} is not on {spec.display_name}.")
        return person

    async def recent(
        self, owner: Owner, slack_id: str | None, at: NextPage | None = None
    ) -> tuple[Person, RecentPage]:
        platform = self._registry.get(owner.provider)
        if not platform.spec.can_recognize:
            raise InvalidInput(no_recognitions(self._registry, owner.provider))
        person = await self.subject(owner, slack_id)
        page = await self._tokens.run(
            owner, lambda token: platform.adapter.recent(token, person.id, at)
        )
        return person, page

    async def values(self, owner: Owner) -> list[Value]:
        platform = self._registry.get(owner.provider)
        return await self._tokens.run(owner, platform.adapter.list_values)


def no_recognitions(registry: Registry, provider: str) -> str:
    """Say the platform keeps no recognitions, and name an enabled platform that does."""
    name = registry.get(provider).spec.display_name
    others = [p.spec for p in registry.others(provider) if p.spec.can_recognize]
    text = f"{name}'s API offers no recognitions."
    if others:
        text += (
            f" Recognitions in this workspace are on {others[0].display_name}: "
            f"try `/kudos recent {others[0].name}`."
        )
    return text
