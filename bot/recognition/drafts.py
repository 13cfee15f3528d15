"""From a parsed `/recognize` to a previewed draft, and from a confirmed draft to the platform."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Sequence
from functools import partial

from bot.accounts.tokens import Tokens
from bot.errors import DraftGone
from bot.intents import Draft, Recipient, RecognitionRequest
from bot.models import Owner, Value
from bot.platforms.registry import Registry
from bot.recognition import rules
from bot.recognition.directory import Directory
from bot.runtime.shared import Shared
from bot.runtime.singleflight import SingleFlight
from bot.slack.people import SlackPeople
from bot.store import Store

log = logging.getLogger(__name__)

MENTION = re.compile(r"<@([UW][A-Z0-9_]+)>")


def squash(value: str) -> str:
    """A value name as compared with a #tag: case, spaces and punctuation ignored."""
    return re.sub(r"[\W_]+", "", value.casefold())


def pick_value(hashtags: Sequence[str], values: Sequence[Value]) -> tuple[Value | None, str | None]:
    """The value the first matching #tag names, and that tag; (None, None) when none matches."""
    by_name = {squash(value.name): value for value in values}
    for tag in hashtags:
        if squash(tag) in by_name:
            return by_name[squash(tag)], tag
    return None, None


def final_message(template: str, names: dict[str, str], used_tag: str | None) -> str:
    """Plain text from Slack-escaped text: mentions become names, the value's #tag is dropped."""
    text = MENTION.sub(lambda match: names.get(match.group(1), "someone"), template)
    if used_tag is not None:
        text = re.sub(rf"(?<!\w)#{re.escape(used_tag)}(?!\w)", "", text, count=1)
    text = re.sub(r"[ \t]+", " ", text).strip(" \t,;:-")
    # Entities last, so text a user typed as "&lt;@U1&gt;" never becomes a mention.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class Recognitions(Shared):
    """Prepare, amend, send and cancel recognition drafts."""

    def __init__(
        self,
        store: Store,
        registry: Registry,
        tokens: Tokens,
        people: SlackPeople,
        directory: Directory,
    ) -> None:
        self._store = store
        self._registry = registry
        self._tokens = tokens
        self._people = people
        self._directory = directory
        self._values: SingleFlight[Owner, list[Value]] = SingleFlight()
        self._recipients: SingleFlight[tuple[Owner, str], Recipient] = SingleFlight()

    async def prepare(self, owner: Owner, channel_id: str, request: RecognitionRequest) -> Draft:
        """Check the rules, resolve every recipient and the value, and keep it as a draft."""
        rules.check_platform(self._registry, owner.provider)
        rules.check_recipients(request.recipient_ids, owner.user_id)
        values, recipients = await self._lookups(owner, request.recipient_ids)
        value, used = chosen_value(request, values)
        names = {recipient.slack_id: recipient.name for recipient in recipients}
        message = final_message(request.message, names, used)
        rules.check_message(message)
        draft = Draft(
            id=secrets.token_urlsafe(12),
            team_id=owner.team_id,
            user_id=owner.user_id,
            provider=owner.provider,
            channel_id=channel_id,
            recipients=recipients,
            message=message,
            value=value,
            choices=values,
            announce=request.announce and bool(channel_id),  # "": a DM, nowhere to announce
            unknown_value=None if value or not request.hashtags else request.hashtags[0],
        )
        await self._store.drafts.put(draft)
        return draft

    async def _lookups(
        self, owner: Owner, slack_ids: list[str]
    ) -> tuple[list[Value], list[Recipient]]:
        """Values and recipients, from the cache where it has them (a repeat recognition to a
        known person costs no platform call before the POST); concurrent misses share a call."""
        _, (values, known) = await asyncio.gather(
            self._tokens.require(owner), self._store.cache.lookups(owner, slack_ids)
        )
        missing = [slack_id for slack_id in slack_ids if slack_id not in known]
        fresh_values, fresh = await asyncio.gather(
            self._fetch_values(owner) if values is None else _ready(values),
            asyncio.gather(*(self._recipient(owner, slack_id) for slack_id in missing)),
        )
        by_id = known | {recipient.slack_id: recipient for recipient in fresh}
        return fresh_values, [by_id[slack_id] for slack_id in slack_ids]

    async def values(self, owner: Owner) -> list[Value]:
        """The values the owner can pick: cached, else fetched (one call shared); needs a link."""
        values, _ = await self._lookups(owner, [])
        return values

    async def draft_choices(self, team_id: str, user_id: str, draft_id: str) -> list[Value]:
        """A preview's choices (what `choose_value` accepts), while its author is linked."""
        draft = await self._store.drafts.get(team_id, user_id, draft_id)
        if draft is None:
            return []
        await self._tokens.require(Owner(team_id, user_id, draft.provider))
        return draft.choices

    async def _recipient(self, owner: Owner, slack_id: str) -> Recipient:
        return await self._recipients.run(
            (owner, slack_id), partial(self._resolve, owner, slack_id)
        )

    async def _fetch_values(self, owner: Owner) -> list[Value]:
        async def fetch() -> list[Value]:
            adapter = self._registry.get(owner.provider).adapter
            values = await self._tokens.run(owner, adapter.list_values)
            await self._store.cache.put_values(owner, values)
            return values

        return await self._values.run(owner, fetch)

    async def _resolve(self, owner: Owner, slack_id: str) -> Recipient:
        """Slack user → profile e-mail → platform person; a clear error naming who failed."""
        profile = await self._people.recipient(slack_id)
        person = await self._directory.find(owner, profile.email or "")
        if person is None:
            platform = self._registry.get(owner.provider).spec.display_name
            raise rules.RuleBroken("not_on_platform", name=profile.name, platform=platform)
        recipient = Recipient(slack_id=slack_id, name=profile.name, person_id=person.id)
        await self._store.cache.put_recipient(owner.team_id, owner.provider, recipient)
        return recipient

    async def choose_value(self, team_id: str, user_id: str, draft_id: str, value_id: str) -> Draft:
        draft = await self._store.drafts.get(team_id, user_id, draft_id)
        if draft is None:
            raise DraftGone()
        chosen = rules.offered(value_id, draft.choices)
        draft = draft.model_copy(update={"value": chosen, "unknown_value": None})
        await self._store.drafts.put(draft)
        return draft

    async def ready(self, team_id: str, user_id: str, draft_id: str) -> Draft:
        """The user's draft, checked to be sendable (the outbox then claims it, once)."""
        draft = await self._store.drafts.get(team_id, user_id, draft_id)
        if draft is None:
            raise DraftGone()
        rules.check_value(self._registry.get(draft.provider).spec, draft.value)
        return draft

    async def set_announce(self, team_id: str, user_id: str, draft_id: str, on: bool) -> Draft:
        draft = await self._store.drafts.get(team_id, user_id, draft_id)
        if draft is None:
            raise DraftGone()
        draft = draft.model_copy(update={"announce": on})
        await self._store.drafts.put(draft)
        return draft

    async def cancel(self, team_id: str, user_id: str, draft_id: str) -> bool:
        return await self._store.drafts.take(team_id, user_id, draft_id) is not None


async def _ready(values: list[Value]) -> list[Value]:
    return values


def chosen_value(
    request: RecognitionRequest, values: list[Value]
) -> tuple[Value | None, str | None]:
    """The value picked in a form (by id) or by #tag, and the tag that named it."""
    if request.value_id is None:
        return pick_value(request.hashtags, values)
    return rules.offered(request.value_id, values), None
