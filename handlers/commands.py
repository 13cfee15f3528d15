"""Slash commands. `/recognize` acks at once and previews lazily; a `/kudos` lookup answers in
its ack when it can (a command's ack message can't be replaced later, so a note saying
"working" stays on screen above the answer), except a link prompt, which the link replaces."""

from __future__ import annotations

import asyncio
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
from bot.accounts.tokens import Tokens
from bot.errors import InvalidInput
from bot.intents import RecognitionRequest
from bot.models import Actor, Resume
from bot.platforms.registry import Registry
from bot.recognition.directory import Directory
from bot.recognition.drafts import Recognitions
from bot.recognition.lookups import Lookups
from bot.slack.people import SlackPeople
from handlers import blocks, kit, views
from handlers.actions import ack_only
from handlers.errors import Asker, Reply, reply, reports_errors, settled
from handlers.kudos import SUBCOMMANDS, help_text, run
from handlers.parse import USAGE, announce_channel, parse_kudos, parse_recognize
from handlers.words import said

log = logging.getLogger(__name__)
LOOKUPS = ("whois", "recent", "values")  # ask the platform: may be slow
# Answered in the ack when ready within the budget: the lookups, and status (one Redis read;
# answering in the ack spares a second HTTP request, most of its cost: README, Performance)
IN_ACK = (*LOOKUPS, "status")
LOOKUP_BUDGET = 1.5  # seconds of platform work inside a /kudos ack; Slack waits 3
WORKING = ":hourglass_flowing_sand: Looking that up… the answer follows here in a moment."


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


async def answer_kudos(
    ack: AsyncAck,
    command: dict[str, Any],
    actor: Actor,
    respond: AsyncRespond,
    registry: Registry,
    linker: Linker,
    tokens: Tokens,
    directory: Directory,
    people: SlackPeople,
    lookups: Lookups,
) -> None:
    """A lookup (or status) is answered in the ack itself when ready within LOOKUP_BUDGET
    (Slack waits 3 s, and can't replace a command's ack later); slower, a working note now and
    the answer as a new message when ready (this runs on after the ack: Bolt runs it as a task).
    The other subcommands, and any link prompt, answer through the response_url, so that the
    prompt can give way to "linked" (and the answer) after the sign-in."""
    request = parse_kudos(command.get("text", ""))
    if request.action not in SUBCOMMANDS:
        await ack(text=help_text(registry.names()))
        return
    url = respond.response_url
    resume = (
        Resume(kind="kudos", text=command.get("text", "")) if request.action in LOOKUPS else None
    )
    asking = run(request, actor, url, registry, (linker, tokens, directory, people, lookups))
    answering = settled(asking, Asker(actor, linker, registry), url, resume)
    note = WORKING if request.action in LOOKUPS else ""  # a link prompt acks empty
    if request.action in IN_ACK:
        await answer_in_ack(ack, answering, note, respond)
        return
    await ack(text=note)
    await _answer(respond, *await answering)


async def answer_in_ack(
    ack: AsyncAck, answering: Awaitable[Reply], note: str, respond: AsyncRespond
) -> None:
    """Awaited in the listener's own task (no second task and wait for the usual quick answer);
    when LOOKUP_BUDGET passes first, a timer acks `note` and the answer follows when ready."""
    noted: list[asyncio.Future[BoltResponse]] = []
    late = asyncio.get_running_loop().call_later(
        LOOKUP_BUDGET, lambda: noted.append(asyncio.ensure_future(ack(text=note)))
    )
    try:
        answer = await answering
    finally:
        late.cancel()  # a TimerHandle: nothing runs that could need stopping
    if noted:
        await noted[0]
    elif asks_to_link(answer):
        await ack(text="")
    else:
        await ack(**kit.message(*answer))
        return
    await _answer(respond, *answer)


def asks_to_link(answer: Reply) -> bool:
    """A reply with a Link button: "linked", and what it was for, replace it later."""
    _, shown = answer
    actions = [block for block in shown or () if block.get("type") == "actions"]
    return any(e.get("action_id") == kit.OPEN_LINK for b in actions for e in b["elements"])


async def _answer(respond: AsyncRespond, text: str, shown: list[kit.Block] | None) -> None:
    """A /kudos answer as a new message behind the command's response_url."""
    try:
        await reply(respond, text, shown, replace_original=False)
    except Exception as error:  # Slack unreachable: nobody left to tell
        log.warning("could not answer /kudos: %s", type(error).__name__)


async def with_text(command: dict[str, Any]) -> bool:
    """`/recognize <text>` previews; alone, it opens the form (one lazy listener each)."""
    return bool(command.get("text", "").strip())


def register(app: AsyncApp) -> None:
    preview = app.command("/recognize", matchers=[with_text], middleware=[ReadsText()])
    preview(ack=ack_recognize, lazy=[preview_recognition])  # the text read once, for both
    app.command("/recognize")(ack=ack_only, lazy=[views.open_from_command])
    app.command("/kudos")(answer_kudos)
