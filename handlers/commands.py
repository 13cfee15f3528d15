"""Slash commands: ack first (with the answer when it needs no I/O), then work lazily."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.errors import InvalidInput
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
    if request.action not in SUBCOMMANDS:
        return  # help was answered in the ack
    account = Account(owner_of(context, registry, request.argument), registry, linker, tokens)
    text, shown = await SUBCOMMANDS[request.action](account, respond.response_url)
    await respond(text=text, blocks=shown)


@dataclass(frozen=True)
class Account:
    """One user's account on one platform, with what the subcommands need."""

    owner: Owner
    registry: Registry
    linker: Linker
    tokens: Tokens

    @property
    def name(self) -> str:
        return self.registry.get(self.owner.provider).spec.display_name


Reply = tuple[str, list[blocks.Block] | None]


async def show_status(account: Account, response_url: str | None) -> Reply:
    """One line per enabled platform: linked as whom, or how to link."""
    lines = []
    for name in account.registry.names():
        owner = Owner(account.owner.team_id, account.owner.user_id, name)
        lines.append(
            blocks.status_line(account.registry.get(name).spec, await account.tokens.link(owner))
        )
    return "\n".join(lines), None


async def unlink(account: Account, response_url: str | None) -> Reply:
    if await account.linker.unlink(account.owner):
        return f"Unlinked from {account.name}; your tokens are deleted.", None
    return f"You weren't linked to {account.name}.", None


async def link(account: Account, response_url: str | None) -> Reply:
    spec = account.registry.get(account.owner.provider).spec
    current = await account.tokens.link(account.owner)
    if current is not None:
        return (
            f"You're already linked to {spec.display_name} as {current.account.name}. "
            f"To use another account, run `/kudos unlink {spec.name}` first."
        ), None
    url = await account.linker.start(account.owner, response_url)
    prompt = blocks.link_prompt(url, spec, f"Let's link your {spec.display_name} account.")
    return f"Link your {spec.display_name} account", prompt


SUBCOMMANDS: dict[str, Callable[[Account, str | None], Awaitable[Reply]]] = {
    "status": show_status,
    "unlink": unlink,
    "link": link,
}


def register(app: AsyncApp) -> None:
    app.command("/recognize")(ack=ack_recognize, lazy=[preview_recognition])
    app.command("/kudos")(ack=ack_kudos, lazy=[run_kudos])
