"""Slash commands: ack first (with the answer when it needs no I/O), then work lazily."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.errors import InvalidInput, KudosError
from bot.linking import Linker
from bot.models import Owner
from bot.providers import Registry
from bot.recognitions import Recognitions
from bot.tokens import Tokens
from handlers import blocks
from handlers.errors import reports_errors
from handlers.parse import parse_kudos, parse_recognize


def owner_of(context: AsyncBoltContext, registry: Registry, provider: str | None = None) -> Owner:
    """Identity from the signed request only; the platform named, or the default."""
    spec = registry.get(provider or None).spec
    return Owner(context.team_id or "", context.user_id or "", spec.name)


async def ack_recognize(ack: AsyncAck, command: dict[str, Any]) -> None:
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
    request = parse_recognize(command.get("text", ""))
    owner = owner_of(context, registry)
    draft = await recognitions.prepare(owner, command.get("channel_id", ""), request)
    spec = registry.get(draft.provider).spec
    await respond(text="Preview of your recognition", blocks=blocks.preview(draft, spec))


async def ack_kudos(ack: AsyncAck, command: dict[str, Any]) -> None:
    if parse_kudos(command.get("text", "")).action == "help":
        await ack(text=blocks.HELP)
        return
    await ack()


@reports_errors
async def run_kudos(
    command: dict[str, Any],
    context: AsyncBoltContext,
    respond: AsyncRespond,
    registry: Registry,
    linker: Linker,
    tokens: Tokens,
) -> None:
    request = parse_kudos(command.get("text", ""))
    if request.action == "help":
        return
    owner = owner_of(context, registry, request.argument)
    spec = registry.get(owner.provider).spec
    if request.action == "status":
        lines = [
            blocks.status_line(
                registry.get(name).spec,
                await tokens.link(Owner(owner.team_id, owner.user_id, name)),
            )
            for name in registry.names()
        ]
        await respond(text="\n".join(lines))
    elif request.action == "unlink":
        removed = await linker.unlink(owner)
        await respond(
            text=f"Unlinked from {spec.display_name}; your tokens are deleted."
            if removed
            else f"You weren't linked to {spec.display_name}."
        )
    else:
        await _link(owner, respond, linker, tokens, registry)


async def _link(
    owner: Owner, respond: AsyncRespond, linker: Linker, tokens: Tokens, registry: Registry
) -> None:
    spec = registry.get(owner.provider).spec
    link = await tokens.link(owner)
    if link is not None:
        raise KudosError(
            f"You're already linked to {spec.display_name} as {link.account.name}. "
            f"To use another account, run `/kudos unlink {spec.name}` first."
        )
    url = await linker.start(owner, respond.response_url)
    prompt = blocks.link_prompt(url, spec, f"Let's link your {spec.display_name} account.")
    await respond(text=f"Link your {spec.display_name} account", blocks=prompt)


def register(app: AsyncApp) -> None:
    app.command("/recognize")(ack=ack_recognize, lazy=[preview_recognition])
    app.command("/kudos")(ack=ack_kudos, lazy=[run_kudos])
