"""`/kudos`: the help, status, the lookups and the link commands. Status and the lookups are
answered in the ack when ready within LOOKUP_BUDGET, else through the response_url."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse

from bot.accounts.linking import Linker
from bot.accounts.tokens import Tokens
from bot.models import Actor, Resume
from bot.platforms.registry import Registry
from bot.recognition.directory import Directory
from bot.recognition.lookups import Lookups
from bot.slack.people import SlackPeople
from handlers import kit
from handlers.errors import Asker, Reply, reply, settled
from handlers.kudos import SUBCOMMANDS, help_text, run
from handlers.parse import parse_kudos

log = logging.getLogger(__name__)
LOOKUPS = ("whois", "recent", "values")  # ask the platform: may be slow
# Answered in the ack when ready within the budget: the lookups, and status (one Redis read;
# answering in the ack spares a second HTTP request, most of its cost: README, Performance)
IN_ACK = (*LOOKUPS, "status")
LOOKUP_BUDGET = 1.5  # seconds of platform work inside a /kudos ack; Slack waits 3
WORKING = ":hourglass_flowing_sand: Looking that up… the answer follows here in a moment."


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
