"""Buttons and selects on the preview; always acted on as the user who clicked."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.accounts.linking import Linker
from bot.errors import DraftGone
from bot.intents import Intent
from bot.models import Actor, Owner
from bot.platforms.registry import Registry
from bot.recognition.drafts import Recognitions
from bot.recognition.lookups import Lookups
from bot.recognition.outbox import Outbox
from handlers import blocks, kit, lookup_blocks
from handlers.delivery import outcome_notice, send
from handlers.errors import direct_message, reply, reports_errors

log = logging.getLogger(__name__)


async def ack_only(ack: AsyncAck) -> None:
    await ack()


def owner_for(actor: Actor, registry: Registry, action: dict[str, Any]) -> Owner:
    """The clicker (from the signed request) on the platform the button names."""
    return actor.owner(registry.get(str(action.get("value") or "")).spec.name)


@reports_errors
async def send_draft(
    action: dict[str, Any],
    actor: Actor,
    respond: AsyncRespond,
    registry: Registry,
    recognitions: Recognitions,
    outbox: Outbox,
    linker: Linker,
    client: AsyncWebClient,
) -> None:
    """Claim the draft once, queue it, and show how it went (or that it is queued)."""
    draft_id = str(action.get("value", ""))
    intent = await send(recognitions, outbox, actor.workspace, actor.user_id, draft_id)
    await show_outcome(intent, registry, respond, linker, client)


@reports_errors
async def retry_delivery(
    action: dict[str, Any],
    actor: Actor,
    respond: AsyncRespond,
    registry: Registry,
    outbox: Outbox,
    linker: Linker,
    client: AsyncWebClient,
) -> None:
    """Retry a failed recognition: only its sender can, and it is reconciled before any POST."""
    intent = await outbox.retry(actor.workspace, actor.user_id, str(action.get("value", "")))
    intent = intent if intent.final else await outbox.outcome(intent)
    await show_outcome(intent, registry, respond, linker, client)


async def show_outcome(
    intent: Intent,
    registry: Registry,
    respond: AsyncRespond,
    linker: Linker,
    client: AsyncWebClient,
) -> None:
    """Replace the preview (or the failure notice) with how the delivery went; a link that is
    gone gets a link button rather than a Retry that would fail again. This request took the
    outcome, so nobody else will tell it: if Slack refuses the response_url (expired, used
    up), the sender gets it by DM."""
    text, shown = await outcome_notice(intent, registry, linker)
    try:
        shown_there = await reply(respond, text, shown, replace_original=True)
    except (aiohttp.ClientError, TimeoutError) as error:  # the response_url is out of reach
        log.info("outcome not shown in place: %s", type(error).__name__)
        shown_there = False
    if not shown_there:
        await direct_message(client, intent.draft.user_id, text, shown)


async def toggle_announcement(
    ack: AsyncAck, action: dict[str, Any], actor: Actor, recognitions: Recognitions
) -> None:
    """The preview's checkbox: Slack keeps its look, the draft keeps the choice (before the ack,
    so a Send that follows always sees it)."""
    draft_id = str(action.get("block_id", "")).removeprefix("announce:")
    on = bool(action.get("selected_options"))
    await recognitions.set_announce(actor.workspace, actor.user_id, draft_id, on)
    await ack()


@reports_errors
async def cancel_draft(
    action: dict[str, Any],
    actor: Actor,
    respond: AsyncRespond,
    recognitions: Recognitions,
) -> None:
    cancelled = await recognitions.cancel(
        actor.workspace, actor.user_id, str(action.get("value", ""))
    )
    if not cancelled:  # already sent, cancelled or expired: said as Send says it
        raise DraftGone()
    await reply(respond, "Cancelled: nothing was sent.", replace_original=True)


@reports_errors
async def choose_value(
    action: dict[str, Any],
    actor: Actor,
    respond: AsyncRespond,
    registry: Registry,
    recognitions: Recognitions,
) -> None:
    draft_id = str(action.get("block_id", "")).removeprefix("draft:")
    option = action.get("selected_option")
    value_id = str(option.get("value", "")) if isinstance(option, dict) else ""
    draft = await recognitions.choose_value(actor.workspace, actor.user_id, draft_id, value_id)
    spec = registry.get(draft.provider).spec
    await reply(
        respond, "Preview of your recognition", blocks.preview(draft, spec), replace_original=True
    )


@reports_errors
async def turn_page(
    action: dict[str, Any],
    actor: Actor,
    respond: AsyncRespond,
    registry: Registry,
    lookups: Lookups,
) -> None:
    """Older/Newer: the same message, another of the platform's own pages."""
    provider, subject, at = lookup_blocks.decode_cursor(str(action.get("value", "")))
    spec = registry.get(provider).spec
    owner = actor.owner(spec.name)
    person, page = await lookups.recent(owner, subject, at)
    shown = lookup_blocks.recent(spec, person, page, subject)
    text = f"Recent recognitions for {kit.escape(person.name)}"
    await reply(respond, text, shown, replace_original=True)


def register(app: AsyncApp) -> None:
    app.action(kit.SEND)(ack=ack_only, lazy=[send_draft])
    app.action(kit.RETRY)(ack=ack_only, lazy=[retry_delivery])
    app.action(kit.CANCEL)(ack=ack_only, lazy=[cancel_draft])
    app.action(kit.CHOOSE_VALUE)(ack=ack_only, lazy=[choose_value])
    app.action(kit.ANNOUNCE)(toggle_announcement)
    app.action(kit.OPEN_LINK)(ack_only)
    app.action(kit.OLDER)(ack=ack_only, lazy=[turn_page])
    app.action(kit.NEWER)(ack=ack_only, lazy=[turn_page])
