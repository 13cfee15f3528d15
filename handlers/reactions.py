"""Recognize with a reaction: one of RECOGNIZE_EMOJI on a message offers the reactor, privately,
a ready preview recognizing the message's author, made exactly as `/recognize` makes its own
(same draft, rules, Send and Cancel)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.accounts.linking import Linker
from bot.errors import KudosError, NotLinked
from bot.intents import RecognitionRequest
from bot.models import Actor, Resume
from bot.platforms.registry import Registry
from bot.recognition.drafts import Recognitions
from bot.runtime.lazy_work import LazyWork
from bot.slack import messages
from bot.store import Store
from handlers import blocks, kit
from handlers.actions import ack_only
from handlers.errors import Asker, Reply, direct_message, settled
from handlers.parse import announce_channel

log = logging.getLogger(__name__)
NOTHING: Reply = ("", None)  # the reaction starts no recognition: say nothing


async def recognizes(event: dict[str, Any], recognize_emojis: frozenset[str]) -> bool:
    """A RECOGNIZE_EMOJI reaction on a message (not on a file or a file comment)."""
    item = event.get("item") or {}
    return event.get("reaction") in recognize_emojis and item.get("type") == "message"


async def recognize_reaction(
    event: dict[str, Any],
    actor: Actor,
    client: AsyncWebClient,
    registry: Registry,
    recognitions: Recognitions,
    linker: Linker,
    store: Store,
    lazy_work: LazyWork,
) -> None:
    """The preview (or why there is none: no link, nobody to recognize there) to the reactor;
    the link prompt carries the reaction, so the preview follows the sign-in."""
    item = event.get("item") or {}
    channel, ts = str(item.get("channel") or ""), str(item.get("ts") or "")
    reactor = actor.user_id
    if not (reactor and channel and ts) or event.get("item_user") == reactor:
        return  # your own message: nothing to read
    resume = Resume(kind="reaction", channel_id=channel, message_ts=ts)
    mark = (actor.workspace, reactor, channel, ts)
    reading = functools.partial(message_preview, actor, channel, ts, client, registry, recognitions)
    preview = lazy_work.run(lambda: first_preview(store, mark, reading))
    text, shown = await settled(preview, Asker(actor, linker, registry), None, resume)  # busy too
    if text:
        await tell_privately(client, channel, reactor, text, shown)


async def first_preview(
    store: Store, mark: tuple[str, str, str, str], previewing: Callable[[], Awaitable[Reply]]
) -> Reply:
    """Once per person and message, `mark` (a second reaction gives nothing new); a reaction
    whose preview failed (Slack didn't show the message, the platform was down) may be made
    again."""
    if not await store.events.first_reaction(*mark):
        return NOTHING
    try:
        return await previewing()
    except NotLinked:
        raise  # the link prompt carries the reaction: the preview follows the sign-in
    except KudosError:
        await store.events.forget_reaction(*mark)
        raise


async def message_preview(
    actor: Actor,
    channel: str,
    ts: str,
    client: AsyncWebClient,
    registry: Registry,
    recognitions: Recognitions,
) -> Reply:
    """Read who wrote the message, and prepare the draft as /recognize does; NOTHING for one
    that is gone, a bot's or the reactor's own. Also what runs once a missing link is made."""
    owner = actor.owner(registry.get().spec.name)
    message = await messages.fetch(client, channel, ts)
    if message is None or message.by_bot or message.author in ("", owner.user_id):
        return NOTHING
    link = await messages.permalink(client, channel, ts)
    words = f"For this message: {link}" if link else "For your message in Slack"
    request = RecognitionRequest(recipient_ids=[message.author], message=words)
    draft = await recognitions.prepare(owner, announce_channel(channel), request)
    return "Preview of your recognition", blocks.preview(draft, registry.get(draft.provider).spec)


async def tell_privately(
    client: AsyncWebClient, channel: str, user: str, text: str, shown: list[kit.Block] | None
) -> None:
    """Only the reactor sees it: ephemeral where they reacted, else (the bot isn't in that
    channel, or Slack refuses) a DM. Buttons work in both: their clicks carry a response_url."""
    try:
        await client.chat_postEphemeral(channel=channel, user=user, **kit.message(text, shown))
        return
    except SlackApiError as error:
        log.info("no ephemeral preview: %s", error.response.get("error"))
    except (aiohttp.ClientError, TimeoutError) as error:
        log.info("no ephemeral preview: %s", type(error).__name__)
    await direct_message(client, user, text, shown)


def register(app: AsyncApp) -> None:
    app.event("reaction_added", matchers=[recognizes])(ack=ack_only, lazy=[recognize_reaction])
