"""What people hear about a recognition on its way: the sender, the channel, the recipients."""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.accounts.linking import Linker
from bot.errors import KudosError
from bot.intents import Draft, Intent
from bot.models import Sent
from bot.platforms.registry import Registry
from bot.platforms.spec import ProviderSpec
from bot.recognition.drafts import Recognitions
from bot.recognition.outbox import OnOutcome, Outbox
from handlers import blocks, step_kit
from handlers.errors import direct_message
from handlers.kit import Block

log = logging.getLogger(__name__)
NO_ANNOUNCEMENT = (
    "Your recognition was sent, but I couldn't announce it in that channel. "
    "Invite me with `/invite @Kudos Bridge` to announce there next time."
)


async def spread_the_word(
    client: AsyncWebClient, draft: Draft, sent: Sent, spec: ProviderSpec
) -> list[str]:
    """Channel announcement (unless turned off) and a DM to each recipient; what went wrong."""
    problems: list[str] = []
    if draft.announce and draft.channel_id:
        try:
            await client.chat_postMessage(
                channel=draft.channel_id,
                text=blocks.announcement_text(draft),
                blocks=blocks.announcement(draft, sent, spec),
            )
        except SlackApiError as error:
            log.info("announcement not posted: %s", error.response.get("error"))
            problems.append(NO_ANNOUNCEMENT)
    for recipient in draft.recipients:
        text, shown = blocks.recipient_text(draft), blocks.recipient_dm(draft, sent, spec)
        await direct_message(client, recipient.slack_id, text, shown)
    return problems


def sender_notice(
    intent: Intent, spec: ProviderSpec, link_url: str | None = None, now: float | None = None
) -> tuple[str, list[Block]]:
    """What the sender reads about their recognition: sent, failed (with Retry, or with a link
    button when the link is gone), or queued."""
    if intent.status == "done":
        return "Recognition sent", blocks.confirmation(intent.draft, intent.sent or Sent(), spec)
    if intent.status == "failed" and link_url is not None:
        return "Recognition not sent", blocks.delivery_needs_link(intent, spec, link_url)
    if intent.status == "failed":
        return "Recognition not sent", blocks.delivery_failed(intent, spec)
    return "Recognition queued", blocks.queued(intent, spec, time.time() if now is None else now)


async def outcome_notice(
    intent: Intent, registry: Registry, linker: Linker | None
) -> tuple[str, list[Block]]:
    """What the sender reads about `intent`, wherever it is shown (in place of the preview, or by
    DM): a failure for want of a usable link comes with a fresh link button."""
    link_url = await relink_url(linker, registry, intent)
    return sender_notice(intent, registry.get(intent.draft.provider).spec, link_url)


async def send(
    recognitions: Recognitions, outbox: Outbox, team_id: str, user_id: str, draft_id: str
) -> Intent:
    """Send (the button, or the form's submit): the user's draft checked sendable, claimed once
    and queued; then its outcome, as far as the watch sees it."""
    draft = await recognitions.ready(team_id, user_id, draft_id)
    return await outbox.outcome(await outbox.submit(draft))


async def relink_url(linker: Linker | None, registry: Registry, intent: Intent) -> str | None:
    """A fresh link button's URL when the delivery failed for want of a usable link (None
    otherwise, or when none can be made now: the notice then offers Retry). The sign-in
    reports by DM, leaving the notice with the message in place."""
    spec = registry.get(intent.draft.provider).spec
    if linker is None or intent.status != "failed" or not intent.relink or not spec.per_user:
        return None
    try:
        return await linker.start(intent.draft.owner)
    except KudosError as error:
        log.warning("no link button for a failed delivery: %s", type(error).__name__)
        return None


def tell_outcome(
    client: AsyncWebClient, registry: Registry, linker: Linker | None = None
) -> OnOutcome:
    """The consumer's callback once an intent is final; `told`: its watcher tells the sender."""

    async def on_outcome(intent: Intent, told: bool) -> None:
        spec = registry.get(intent.draft.provider).spec
        problems: list[str] = []
        if intent.status == "done":
            problems = await spread_the_word(client, intent.draft, intent.sent or Sent(), spec)
        if not told:  # nobody is showing it to the sender: DM them (and finish their step)
            await step_kit.report(client, intent, spec)
            text, shown = await outcome_notice(intent, registry, linker)
            await direct_message(client, intent.draft.user_id, text, shown)
        for problem in problems:
            await direct_message(client, intent.draft.user_id, problem)

    return on_outcome
