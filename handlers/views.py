"""The recognition modal: opened from `/recognize`, Home and both shortcuts; submitted in one step.

Opening: the view opens at once (a trigger_id lives 3 s) and the platform's values follow with
`views.update`. Submitting: every check that needs no platform first, then `prepare` within a
budget so the ack still lands inside Slack's 3 s; the ack function keeps running after the ack
(Bolt runs it as a task) to deliver, because Bolt's lazy listeners start alongside the ack
function and could not see the draft it prepared."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import InvalidInput, KudosError, NotLinked
from bot.intents import Draft
from bot.models import Actor, Resume, Value
from bot.recognition.rules import platform_refusal
from bot.runtime import tasks
from handlers import kit
from handlers import modal_blocks as mb
from handlers.actions import ack_only
from handlers.delivery import outcome_notice, send
from handlers.modal_desk import Desk, Desks, tells_by_dm
from handlers.modal_form import FIELDS, Form, form_errors, read_form
from handlers.parse import announce_channel
from handlers.words import said

log = logging.getLogger(__name__)
PREPARE_BUDGET = 2.0  # seconds of platform work inside the ack; Slack waits 3


async def first_view(desk: Desk, origin: mb.Origin) -> dict[str, Any] | None:
    """What to show instead of the form, if anything: no recognitions, or no link."""
    spec = desk.spec
    if (refusal := platform_refusal(desk.registry, spec.name)) is not None:
        return mb.notice_view(said(refusal), origin)
    link = await desk.tokens.link(desk.owner) if spec.per_user else None
    if spec.per_user and (link is None or not link.confirmed):
        return await desk.link_view(origin, f"Link your {spec.display_name} account first.")
    return None


async def open_modal(desk: Desk, trigger_id: str, origin: mb.Origin, prefill: mb.Prefill) -> None:
    """Open at once with what we have; the platform's values follow by views.update."""
    try:
        instead = await first_view(desk, origin)
    except KudosError as error:  # e.g. Redis away: still answer inside the trigger's 3 s
        instead = mb.notice_view(f":warning: {said(error)}", origin)
    if instead is not None:
        await desk.client.views_open(trigger_id=trigger_id, view=instead)
        return
    loading = asyncio.ensure_future(desk.recognitions.values(desk.owner))  # cached for type-ahead
    try:
        form = mb.form_view(desk.spec, origin, prefill)
        opened = await desk.client.views_open(trigger_id=trigger_id, view=form)
    except BaseException:
        await tasks.stop(loading)
        raise
    view: Mapping[str, Any] = opened.get("view") or {}
    filled = await with_values(desk, loading, origin, prefill)
    try:
        await desk.client.views_update(view_id=view.get("id"), hash=view.get("hash"), view=filled)
    except SlackApiError as error:  # closed or submitted meanwhile
        log.info("modal not updated: %s", error.response.get("error"))


async def with_values(
    desk: Desk, loading: asyncio.Future[list[Value]], origin: mb.Origin, prefill: mb.Prefill
) -> dict[str, Any]:
    try:
        values = await loading
    except NotLinked as error:
        return await desk.link_view(origin, said(error))
    except KudosError as error:
        return mb.form_view(desk.spec, origin, prefill, notice=said(error))
    return mb.form_view(desk.spec, origin, prefill, values)


@tells_by_dm
async def open_from_command(
    command: dict[str, Any], actor: Actor, client: AsyncWebClient, desks: Desks
) -> None:
    desk = desks.of(actor, client)
    channel = announce_channel(
        str(command.get("channel_id") or ""), command.get("channel_name", "")
    )
    origin = mb.Origin(desk.spec.name, channel)
    await open_modal(desk, str(command.get("trigger_id")), origin, mb.Prefill())


@tells_by_dm
async def open_blank(
    body: dict[str, Any], actor: Actor, client: AsyncWebClient, desks: Desks
) -> None:
    """The global shortcut and the Home button: an empty form, no channel to announce in."""
    desk = desks.of(actor, client)
    await open_modal(desk, str(body.get("trigger_id")), mb.Origin(desk.spec.name), mb.Prefill())


@tells_by_dm
async def open_from_message(
    shortcut: dict[str, Any], actor: Actor, client: AsyncWebClient, desks: Desks
) -> None:
    desk = desks.of(actor, client)
    channel, prefill = mb.from_message(shortcut, desk.owner.user_id)
    origin = mb.Origin(desk.spec.name, channel)
    await open_modal(desk, str(shortcut.get("trigger_id")), origin, prefill)


async def submit(
    ack: AsyncAck, view: dict[str, Any], actor: Actor, client: AsyncWebClient, desks: Desks
) -> None:
    """Inline errors in the ack; on success close the modal, then deliver exactly like Send."""
    form = read_form(view)
    desk = desks.of(actor, client, form.origin.provider)
    errors = form_errors(form, desk.owner.user_id, desk.spec)
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    channel = form.origin.channel_id
    preparing = asyncio.ensure_future(
        desk.recognitions.prepare(desk.owner, channel, form.request())
    )
    done, _ = await asyncio.wait({preparing}, timeout=PREPARE_BUDGET)
    if not done:
        await ack(response_action="update", view=mb.sending_view(form.origin))
        await finish(desk, form, preparing)
        return
    try:
        draft = preparing.result()
    except KudosError as error:
        await ack(**await refusal(desk, form, error))
        return
    await ack()
    await deliver(desk, draft)


async def refusal(desk: Desk, form: Form, error: KudosError) -> dict[str, Any]:
    """The ack when the platform checks refuse: inline on the field, or a link prompt."""
    if isinstance(error, NotLinked):
        view = await desk.link_view(form.origin, said(error), filled(form))
        return {"response_action": "update", "view": view}
    field = error.field if isinstance(error, InvalidInput) else None
    block = field if field in FIELDS else mb.RECIPIENTS
    return {"response_action": "errors", "errors": {block: said(error)}}


def filled(form: Form) -> Resume:
    """A form submitted unlinked: once linked, it comes back as its preview (see resume.py)."""
    request = form.request()
    return Resume(
        kind="form",
        recipients=request.recipient_ids,
        value=request.value_id or "",
        text=request.message,
        channel_id=form.origin.channel_id if request.announce else "",
    )


async def finish(desk: Desk, form: Form, preparing: asyncio.Future[Draft]) -> None:
    """After a "Sending…" ack: the outcome reaches the user by DM."""
    try:
        draft = await preparing
    except Exception as error:
        await desk.tell_failure(error, "Your recognition wasn't sent. ", filled(form))
        return
    await deliver(desk, draft)


async def deliver(desk: Desk, draft: Draft) -> None:
    """Exactly like Send: claim the draft once and queue it; the outcome reaches them by DM."""
    try:
        intent = await send(desk.recognitions, desk.outbox, draft.team_id, draft.user_id, draft.id)
    except KudosError as error:
        await desk.tell_failure(error)
        return
    await desk.dm(*await outcome_notice(intent, desk.registry, desk.linker))


def register(app: AsyncApp) -> None:
    app.shortcut(kit.GLOBAL_SHORTCUT)(ack=ack_only, lazy=[open_blank])
    app.shortcut(kit.MESSAGE_SHORTCUT)(ack=ack_only, lazy=[open_from_message])
    app.action(kit.GIVE)(ack=ack_only, lazy=[open_blank])
    app.view(kit.MODAL)(submit)
