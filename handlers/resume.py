"""After a link is made, what the user asked for before it continues by itself: the same code
path as the command, as the now-linked user (identity from the link's server-side record)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress

from slack_bolt.context.async_context import AsyncBoltContext

from bot.errors import InvalidInput
from bot.models import PendingLink, RecognitionRequest, Resume
from bot.services import Services
from handlers import blocks, home_blocks
from handlers.commands import preview_for, preview_of
from handlers.delivery import sender_notice
from handlers.errors import Reply, settled, tell
from handlers.kudos import run
from handlers.parse import parse_kudos
from handlers.reactions import message_preview
from handlers.workflow_step import run_held

FORM_AGAIN = "Your recognition form is one click away."
REACTED_GONE = "The message you reacted to is gone, so there is nobody to recognize there."


def as_user(services: Services, team_id: str, user_id: str) -> AsyncBoltContext:
    """What a listener of this user's request would be given (see bot/app.py's middleware).
    `team_id` is the link's workspace key (the org's, for an org-wide install): no enterprise
    is set, so `handlers.workspace` reads it back unchanged; Slack calls go out with the token
    of that installation (handlers/callback.py runs this `in_workspace`)."""
    context = AsyncBoltContext(services.listener_context())
    context.update(team_id=team_id, user_id=user_id, client=services.slack)
    return context


async def _recognize(resume: Resume, context: AsyncBoltContext) -> Reply:
    command = {"text": resume.text, "channel_id": resume.channel_id}
    command["channel_name"] = resume.channel_name
    return await preview_of(command, context)


async def _kudos(resume: Resume, context: AsyncBoltContext) -> Reply:
    return await run(parse_kudos(resume.text), context, None)


async def _form(resume: Resume, context: AsyncBoltContext) -> Reply:
    """A form submitted unlinked: its preview, checked like /recognize's. A bare one, or one
    the checks refuse: a modal needs a fresh trigger_id (a click), so a button that opens it."""
    if resume.recipients:
        request = RecognitionRequest(
            recipient_ids=resume.recipients,
            message=resume.text,
            value_id=resume.value or None,
            announce=bool(resume.channel_id),
        )
        with suppress(InvalidInput):
            return await preview_for(context, resume.channel_id, request)
    return FORM_AGAIN, home_blocks.give_button()


async def _reaction(resume: Resume, context: AsyncBoltContext) -> Reply:
    """The reaction's preview (its once-per-message check was passed when it was made)."""
    text, shown = await message_preview(context, resume.channel_id, resume.message_ts)
    return (text, shown) if text else (REACTED_GONE, None)


async def _step(resume: Resume, context: AsyncBoltContext) -> Reply:
    """The workflow step that waited for the link: sent now, and its step completed or failed."""
    return sender_notice(*await run_held(resume, context))


RUNNERS: dict[str, Callable[[Resume, AsyncBoltContext], Awaitable[Reply]]] = {
    "recognize": _recognize,
    "kudos": _kudos,
    "form": _form,
    "reaction": _reaction,
    "step": _step,
}


async def resumed(services: Services, pending: PendingLink) -> Reply | None:
    """The answer to what the user asked before linking, or None when nothing waits. Never
    raises: a failure is the sentence that explains it."""
    return await answered(as_user(services, pending.team_id, pending.user_id), pending.resume)


async def answered(context: AsyncBoltContext, resume: Resume | None) -> Reply | None:
    """`resume` run in `context`: a request of the user who now holds the link."""
    if resume is None:
        return None
    answering = context["lazy_work"].run(lambda: RUNNERS[resume.kind](resume, context))
    return await settled(answering, context, None)  # past the bound of work: busy, said


async def continue_request(context: AsyncBoltContext, pending: PendingLink, linked: str) -> None:
    """What the user asked for before linking, answered in the same place (or by DM)."""
    answer = await answered(context, pending.resume)
    if answer is not None:
        text, shown = blocks.linked_then(linked, *answer)
        await tell(context.client, pending.user_id, text, shown, pending.response_url)


async def continue_after_link(services: Services, pending: PendingLink, linked: str) -> None:
    """From the OAuth callback: no Slack request, so the context is made for the link's owner."""
    context = as_user(services, pending.team_id, pending.user_id)
    await continue_request(context, pending, linked)
