"""After a link is made, what the user asked for before it continues by itself: the same code
path as the command, as the now-linked user (identity from the link's server-side record)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress

from bot.errors import InvalidInput
from bot.intents import RecognitionRequest
from bot.models import Actor, PendingLink, Resume
from bot.runtime.shared import Shared
from bot.services import Services
from handlers import blocks, home_blocks
from handlers.commands import preview_for, preview_of
from handlers.delivery import sender_notice
from handlers.errors import Asker, Reply, settled, tell
from handlers.kudos import run
from handlers.modal_desk import Desks
from handlers.parse import parse_kudos
from handlers.reactions import message_preview
from handlers.workflow_step import run_held

FORM_AGAIN = "Your recognition form is one click away."
REACTED_GONE = "The message you reacted to is gone, so there is nobody to recognize there."


async def _recognize(resume: Resume, actor: Actor, services: Services) -> Reply:
    command = {"text": resume.text, "channel_id": resume.channel_id}
    command["channel_name"] = resume.channel_name
    return await preview_of(command, actor, services.registry, services.recognitions)


async def _kudos(resume: Resume, actor: Actor, services: Services) -> Reply:
    s = services
    tools = (s.linker, s.tokens, s.directory, s.people, s.lookups)
    return await run(parse_kudos(resume.text), actor, None, s.registry, tools)


async def _form(resume: Resume, actor: Actor, services: Services) -> Reply:
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
            tools = (services.registry, services.recognitions)
            return await preview_for(actor, resume.channel_id, request, *tools)
    return FORM_AGAIN, home_blocks.give_button()


async def _reaction(resume: Resume, actor: Actor, services: Services) -> Reply:
    """The reaction's preview (its once-per-message check was passed when it was made)."""
    tools = (services.slack, services.registry, services.recognitions)
    text, shown = await message_preview(actor, resume.channel_id, resume.message_ts, *tools)
    return (text, shown) if text else (REACTED_GONE, None)


async def _step(resume: Resume, actor: Actor, services: Services) -> Reply:
    """The workflow step that waited for the link: sent now, and its step completed or failed."""
    s = services
    desk = Desks(s.registry, s.tokens, s.linker, s.recognitions, s.outbox).of(actor, s.slack)
    return sender_notice(*await run_held(resume, desk, s.store))


RUNNERS: dict[str, Callable[[Resume, Actor, Services], Awaitable[Reply]]] = {
    "recognize": _recognize,
    "kudos": _kudos,
    "form": _form,
    "reaction": _reaction,
    "step": _step,
}


class AfterLink(Shared):
    """Built once (bot/app.py), named `after_link`: runs what waited for a link once it is made,
    with the services the request would have had. Slack calls go out with the token of the
    link's installation (the OAuth callback runs this `in_workspace`; a click runs in its own)."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def answer(self, pending: PendingLink) -> Reply | None:
        """The answer to what the user asked before linking, or None when nothing waits. Never
        raises: a failure is the sentence that explains it."""
        resume, services = pending.resume, self._services
        if resume is None:
            return None
        actor = Actor(pending.team_id, pending.user_id)  # the link's workspace key, as it is
        answering = services.lazy_work.run(lambda: RUNNERS[resume.kind](resume, actor, services))
        asker = Asker(actor, services.linker, services.registry)
        return await settled(answering, asker, None)  # past the bound of work: busy, said

    async def __call__(self, pending: PendingLink, linked: str) -> None:
        """What the user asked for before linking, answered in the same place (or by DM)."""
        answer = await self.answer(pending)
        if answer is not None:
            text, shown = blocks.linked_then(linked, *answer)
            slack, user_id = self._services.slack, pending.user_id
            await tell(slack, user_id, text, shown, pending.response_url)
