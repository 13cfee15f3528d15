"""The "Give recognition" custom step for Workflow Builder: sends on the runner's own link with the
same rules, outbox and exactly-once delivery as Send, then completes the step with the
recognition's link and id, or fails it in words a workflow author can act on."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.complete.async_complete import AsyncComplete
from slack_bolt.context.fail.async_fail import AsyncFail
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import (
    MESSAGE,
    RECIPIENTS,
    VALUE,
    InvalidInput,
    KudosError,
    NotLinked,
)
from bot.intents import Draft, Intent, RecognitionRequest
from bot.models import Actor, Resume
from bot.platforms.spec import ProviderSpec
from bot.recognition.rules import check_recipients
from bot.runtime.lazy_work import LazyWork
from bot.store import STATE_TTL, Store
from bot.store.held_steps import HeldStep
from handlers import step_values
from handlers.modal_desk import Desk, Desks
from handlers.step_kit import USER_ID, failure, finish, not_linked, settle, user_in

log = logging.getLogger(__name__)
STEP = "give_recognition"  # the function's callback_id in manifest.yml
LINK_FIRST = "Your workflow's recognition will be sent, and its step go on, once you're linked. "
RUN_ENDED = "The workflow's run waited too long for your link and has ended: run it again."


def runner_of(inputs: dict[str, Any]) -> str:
    """The person running the step, from its Giver (set to the person who runs the workflow)."""
    user_id = user_in(inputs.get("giver"))
    if user_id is None:
        raise InvalidInput("The step's Giver must be the person who runs the workflow.")
    return user_id


def step_request(inputs: dict[str, Any]) -> RecognitionRequest:
    """Recipients, message and the value's name, as /recognize would read them."""
    recipients = inputs.get("recipients")
    ids = [str(r) for r in recipients] if isinstance(recipients, list) else []
    ids = list(dict.fromkeys(ids))
    if not ids or not all(USER_ID.fullmatch(user_id) for user_id in ids):
        raise InvalidInput("Set the step's Recipients to one or more people.", RECIPIENTS)
    check_recipients(ids)  # worded for the workflow's author by step_kit.failure
    value = str(inputs.get("value") or "").strip().lstrip("#")
    message = str(inputs.get("message") or "")
    if not message.strip():
        raise InvalidInput("Set the step's Message to a few words saying what they did.", MESSAGE)
    return RecognitionRequest(recipient_ids=ids, message=message, hashtags=[value] if value else [])


def check_value(draft: Draft, spec: ProviderSpec, asked: str | None) -> Draft:
    """The value the step names (picked from the menu: its id; typed: its name) must exist; one
    the platform requires must be named."""
    picked = next((value for value in draft.choices if value.id == asked), None)
    if draft.value is None and picked is not None:
        return draft.model_copy(update={"value": picked, "unknown_value": None})
    if draft.value is not None or not (asked or spec.value_required):
        return draft
    names = ", ".join(value.name for value in draft.choices[:20]) or "none offered"
    start = f"{spec.display_name} has no {spec.value_label} called “{asked}”."
    if not asked:
        start = f"{spec.display_name} requires a {spec.value_label}."
    raise InvalidInput(f"{start} Set the step's Value to one of: {names}.", VALUE)


async def give_recognition(
    inputs: dict[str, Any] | None,
    actor: Actor,
    client: AsyncWebClient,
    complete: AsyncComplete,
    fail: AsyncFail,
    store: Store,
    desks: Desks,
    lazy_work: LazyWork,
) -> None:
    """Bolt acks `function_executed` first; this runs after. The outcome completes the step here
    when it comes within Send's wait, else later from the outbox (handlers/delivery.py); an
    unlinked runner's step waits for their link (handlers/resume.py)."""
    given = inputs if isinstance(inputs, dict) else {}  # Slack may send null
    step = complete.function_execution_id
    try:
        desk = desks.of(dataclasses.replace(actor, user_id=runner_of(given)), client)
        async with lazy_work.slot():  # past its bound, the step fails as busy
            await send_and_settle(desk, store, given, step, complete, fail)
    except NotLinked as error:
        if not await hold(desk, store, step, error, held(given, step)):
            await settle(fail(not_linked(desk.owner.user_id, desk.spec)))
    except KudosError as error:
        await settle(fail(failure(error)))


async def run_held(resume: Resume, desk: Desk, store: Store) -> tuple[Intent, ProviderSpec]:
    """The step a missing link held, once its runner is linked (`desk` is theirs): sent, and
    completed or failed as it would have been. A rule it breaks is raised for the runner too."""
    if await store.steps.claim(resume.step) is None:
        raise InvalidInput(RUN_ENDED)  # its link button expired and the step failed meanwhile
    inputs = {"recipients": resume.recipients, "message": resume.text, "value": resume.value}
    client = desk.client
    complete, fail = AsyncComplete(client, resume.step), AsyncFail(client, resume.step)
    try:
        intent = await send_and_settle(desk, store, inputs, resume.step, complete, fail)
    except KudosError as error:  # the runner hears it too (handlers/resume.py)
        await settle(fail(failure(error)))
        raise
    return intent, desk.spec


async def hold(
    desk: Desk, store: Store, step: str | None, error: NotLinked, resume: Resume
) -> bool:
    """Keep the step for its runner's sign-in (it fails when the link button expires unused:
    handlers/step_expiry.py), and send them the button. False when either could not be done."""
    owner = desk.owner
    kept = HeldStep(
        step=step or "", team_id=owner.team_id, user_id=owner.user_id, provider=owner.provider
    )
    try:
        await store.steps.hold(kept, STATE_TTL)
    except KudosError as failed:
        log.info("step not held: %s", type(failed).__name__)
        return False
    if await desk.tell_failure(error, LINK_FIRST, resume):
        return True
    with contextlib.suppress(KudosError):  # else the sweep fails it again: Slack refuses
        await store.steps.claim(kept.step)  # no button: the step fails now
    return False


async def send_and_settle(
    desk: Desk,
    store: Store,
    inputs: dict[str, Any],
    step: str | None,
    complete: AsyncComplete,
    fail: AsyncFail,
) -> Intent:
    """Send, then complete or fail the step if the outcome is known (else the consumer will)."""
    intent = await send(desk, store, inputs, step)
    if intent.final:
        await settle(finish(complete, fail, intent, desk.spec))
    return intent


async def send(desk: Desk, store: Store, inputs: dict[str, Any], step: str | None) -> Intent:
    """The draft as /recognize prepares it, marked with its step, then exactly like Send."""
    request = step_request(inputs)
    draft = await desk.recognitions.prepare(desk.owner, "", request)
    draft = check_value(draft, desk.spec, request.hashtags[0] if request.hashtags else None)
    draft = draft.model_copy(update={"step": step})
    await store.drafts.put(draft)
    return await desk.outbox.outcome(await desk.outbox.submit(draft))


def held(inputs: dict[str, Any], step: str | None) -> Resume:
    """What the step needs once its runner is linked: its inputs, never the giver's secret."""
    request = step_request(inputs)  # checked already: it raised before the missing link did
    value = request.hashtags[0] if request.hashtags else ""
    return Resume(
        kind="step",
        step=step or "",
        text=request.message,
        recipients=request.recipient_ids,
        value=value,
    )


def register(app: AsyncApp) -> None:
    app.function(STEP)(give_recognition)
    step_values.register(app)
