"""Options for the type-ahead value menus (Slack's `block_suggestion`), answered within Slack's
3 s from stored state, for the user the signed request names; nobody else's draft or values."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

from bot.errors import KudosError
from bot.models import Actor, Value
from bot.platforms.registry import Registry
from bot.recognition.drafts import Recognitions
from bot.runtime import tasks
from handlers import kit
from handlers import modal_blocks as mb
from handlers.value_select import suggestions

log = logging.getLogger(__name__)
SUGGEST_BUDGET = 2.0  # seconds; a values cache miss costs one platform call, and Slack waits 3
DRAFT_BLOCK = "draft:"  # the preview's actions block: `draft:{draft id}`


async def suggest_values(
    ack: AsyncAck,
    payload: dict[str, Any],
    actor: Actor,
    registry: Registry,
    recognitions: Recognitions,
) -> None:
    """The values whose name holds what was typed; none when they can't be read (no link, the
    draft gone, the platform or Redis away): Slack shows "no results", never an error."""
    try:
        values = await tasks.within(SUGGEST_BUDGET, choices(payload, actor, registry, recognitions))
    except (KudosError, TimeoutError) as error:
        log.info("no value suggestions: %s", type(error).__name__)
        values = []
    await ack(options=suggestions(values, str(payload.get("value") or "")))


async def choices(
    payload: dict[str, Any],
    actor: Actor,
    registry: Registry,
    recognitions: Recognitions,
) -> list[Value]:
    """A preview's own choices (by its block id), or the form's platform's values."""
    block_id = str(payload.get("block_id") or "")
    if block_id.startswith(DRAFT_BLOCK):
        draft_id = block_id.removeprefix(DRAFT_BLOCK)
        return await recognitions.draft_choices(actor.workspace, actor.user_id, draft_id)
    view = payload.get("view")
    metadata = view.get("private_metadata") if isinstance(view, dict) else None
    origin = mb.Origin.loads(metadata if isinstance(metadata, str) else None)
    spec = registry.get(origin.provider or None).spec
    return await recognitions.values(actor.owner(spec.name))


def register(app: AsyncApp) -> None:
    app.options(kit.CHOOSE_VALUE)(suggest_values)  # the preview's menu
    app.options(mb.VALUE)(suggest_values)  # the form's menu
