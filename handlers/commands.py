"""Slash commands. `/recognize` acks at once and previews lazily; `/kudos` is answered by
handlers/kudos_command.py (in its ack when it can: a command's ack message can't be replaced
later, so a note saying "working" stays on screen above the answer)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.accounts.linking import Linker
from bot.errors import InvalidInput
from bot.intents import RecognitionRequest
from bot.models import Actor, Resume
from bot.platforms.registry import Registry
from bot.recognition.drafts import Recognitions
from handlers import blocks, views
from handlers.actions import ack_only
from handlers.errors import Asker, Reply, reply, reports_errors, settled
from handlers.kudos_command import answer_kudos
from handlers.parse import USAGE, announce_channel, parse_recognize
from handlers.words import said

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecognizeText:
    """`/recognize`'s text, read once per request: what it asks, or the words saying why not."""

    request: RecognitionRequest | None = None
    refusal: str = ""


def read_text(text: str) -> RecognizeText | None:
    """None for no text (the form opens instead)."""
    if not text.strip():
        return None
    try:
        return RecognizeText(parse_recognize(text))
    except InvalidInput as error:
        return RecognizeText(refusal=f"{said(error)} {USAGE}")


class ReadsText(AsyncMiddleware):
    """Reads `/recognize`'s text for its ack and its lazy listener alike, as `recognize_text`
    in the context: Bolt hands the lazy listener a copy of the context taken before the ack
    function runs, so this is the one place both see (a class: see bot/app.py)."""

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[Any]]
    ) -> BoltResponse | None:
        req.context["recognize_text"] = read_text(str(req.body.get("text") or ""))
        answer: BoltResponse | None = await next()
        return answer


async def ack_recognize(ack: AsyncAck, recognize_text: RecognizeText | None) -> None:
    """At once: why the text can't be a recognition; else the preview (or form) follows."""
    if recognize_text is not None and recognize_text.refusal:
        await ack(text=recognize_text.refusal)
        return
    await ack()


async def preview_of(
    command: Mapping[str, Any],
    actor: Actor,
    registry: Registry,
    recognitions: Recognitions,
    request: RecognitionRequest | None = None,
) -> Reply:
    """`/recognize <text>` as `actor`: the private preview with Send. `request` is the text as
    read for the ack; without it (a command resumed once a missing link is made,
    handlers/resume.py) the text is read here."""
    if request is None:
        request = parse_recognize(command.get("text", ""))
    channel = announce_channel(command.get("channel_id", ""), command.get("channel_name", ""))
    return await preview_for(actor, channel, request, registry, recognitions)


async def preview_for(
    actor: Actor,
    channel_id: str,
    request: RecognitionRequest,
    registry: Registry,
    recognitions: Recognitions,
) -> Reply:
    """The private preview with Send of `request`, checked like any, as `actor`."""
    owner = actor.owner(registry.get().spec.name)
    draft = await recognitions.prepare(owner, channel_id, request)
    return "Preview of your recognition", blocks.preview(draft, registry.get(draft.provider).spec)


def resume_of(command: Mapping[str, Any]) -> Resume:
    """What to continue with if the asker turns out not to be linked."""
    return Resume(
        kind="recognize",
        text=str(command.get("text") or ""),
        channel_id=str(command.get("channel_id") or ""),
        channel_name=str(command.get("channel_name") or ""),
    )


@reports_errors
async def preview_recognition(
    command: dict[str, Any],
    actor: Actor,
    respond: AsyncRespond,
    registry: Registry,
    recognitions: Recognitions,
    linker: Linker,
    recognize_text: RecognizeText | None,
) -> None:
    """The preview of the text as read for the ack (a refused one: the ack said why)."""
    if recognize_text is None or recognize_text.request is None:
        return
    previewing = preview_of(command, actor, registry, recognitions, recognize_text.request)
    asker, resume = Asker(actor, linker, registry), resume_of(command)
    await reply(respond, *await settled(previewing, asker, respond.response_url, resume))


async def with_text(command: dict[str, Any]) -> bool:
    """`/recognize <text>` previews; alone, it opens the form (one lazy listener each)."""
    return bool(command.get("text", "").strip())


# Commands whose listeners queue work after their ack: each keeps a place at admission
# (handlers/admission.py). /kudos answers from its ack function, so a full queue never stops it.
WORK_AFTER_ACK = frozenset({"/recognize"})


def register(app: AsyncApp) -> None:
    preview = app.command("/recognize", matchers=[with_text], middleware=[ReadsText()])
    preview(ack=ack_recognize, lazy=[preview_recognition])  # the text read once, for both
    app.command("/recognize")(ack=ack_only, lazy=[views.open_from_command])
    app.command("/kudos")(answer_kudos)
