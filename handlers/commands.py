"""Slash commands: ack first (with the answer when it needs no I/O), then work lazily."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.directory import Directory
from bot.errors import InvalidInput
from bot.linking import Linker
from bot.lookups import Lookups
from bot.models import Owner
from bot.providers import Registry
from bot.recognitions import Recognitions
from bot.slack_people import SlackPeople
from bot.tokens import Tokens
from handlers import blocks, views
from handlers.errors import reports_errors
from handlers.kudos import SUBCOMMANDS, Ask
from handlers.parse import LOOKUPS, parse_kudos, parse_recognize


def owner_of(context: AsyncBoltContext, registry: Registry, provider: str | None = None) -> Owner:
    """Identity from the signed request only; the platform named, or the default."""
    spec = registry.get(provider or None).spec
    return Owner(context.team_id or "", context.user_id or "", spec.name)


async def ack_recognize(ack: AsyncAck, command: dict[str, Any]) -> None:
    if not command.get("text", "").strip():
        await ack()  # no text: the modal opens (handlers/views.py)
        return
    try:
        parse_recognize(command.get("text", ""))
    except InvalidInput as error:
        await ack(text=error.user_message)
        return
    await ack()


@reports_errors
async def preview_recognition(
    command: dict[str, Any],
    context: AsyncBoltContext,
    respond: AsyncRespond,
    registry: Registry,
    recognitions: Recognitions,
) -> None:
    try:
        request = parse_recognize(command.get("text", ""))
    except InvalidInput:
        return  # the ack already said why
    owner = owner_of(context, registry)
    draft = await recognitions.prepare(owner, command.get("channel_id", ""), request)
    spec = registry.get(draft.provider).spec
    await respond(text="Preview of your recognition", blocks=blocks.preview(draft, spec))


async def ack_kudos(ack: AsyncAck, command: dict[str, Any]) -> None:
    action = parse_kudos(command.get("text", "")).action
    if action == "help":
        await ack(text=blocks.HELP)
    elif action in LOOKUPS:
        await ack(text=":hourglass_flowing_sand: Looking that up…")
    else:
        await ack()


@reports_errors
async def run_kudos(
    command: dict[str, Any],
    context: AsyncBoltContext,
    respond: AsyncRespond,
    registry: Registry,
    linker: Linker,
    tokens: Tokens,
    directory: Directory,
    people: SlackPeople,
    lookups: Lookups,
) -> None:
    request = parse_kudos(command.get("text", ""))
    if request.action not in SUBCOMMANDS:
        return  # help was answered in the ack
    owner = owner_of(context, registry, request.platform)
    ask = Ask(
        request, owner, respond.response_url, registry, linker, tokens, directory, people, lookups
    )
    text, shown = await SUBCOMMANDS[request.action](ask)
    await respond(text=text, blocks=shown, replace_original=request.action in LOOKUPS)


async def recognize_later(
    command: dict[str, Any],
    context: AsyncBoltContext,
    respond: AsyncRespond,
    client: AsyncWebClient,
    registry: Registry,
    recognitions: Recognitions,
) -> None:
    """/recognize's one lazy listener (Bolt copies the request for each): the form, or a preview."""
    if not command.get("text", "").strip():
        await views.open_from_command(command=command, context=context, client=client)
        return
    await preview_recognition(
        command=command,
        context=context,
        respond=respond,
        registry=registry,
        recognitions=recognitions,
    )


def register(app: AsyncApp) -> None:
    app.command("/recognize")(ack=ack_recognize, lazy=[recognize_later])
    app.command("/kudos")(ack=ack_kudos, lazy=[run_kudos])
