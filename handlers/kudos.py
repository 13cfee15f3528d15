"""`/kudos` subcommands: each a small function from a request to a reply, in one table."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.accounts.linking import Linker
from bot.accounts.tokens import Tokens
from bot.errors import InvalidInput
from bot.models import Actor, Owner
from bot.platforms.registry import Registry
from bot.platforms.spec import ProviderSpec
from bot.recognition.directory import Directory
from bot.recognition.lookups import Lookups
from bot.slack.people import SlackPeople
from handlers import blocks, lookup_blocks
from handlers.errors import Reply
from handlers.kit import context, escape, section
from handlers.parse import KudosCommand

Tools = tuple[Linker, Tokens, Directory, SlackPeople, Lookups]  # what /kudos asks, in this order


@dataclass(frozen=True)
class Ask:
    """One `/kudos` request: who asked (from the signed request), about what, and the tools."""

    request: KudosCommand
    actor: Actor
    provider: str  # the platform named, or the default
    response_url: str | None
    registry: Registry
    linker: Linker
    tokens: Tokens
    directory: Directory
    people: SlackPeople
    lookups: Lookups

    @classmethod
    def of(
        cls,
        request: KudosCommand,
        actor: Actor,
        response_url: str | None,
        registry: Registry,
        tools: Tools,
    ) -> Ask:
        """The asker from the signed request, on the platform named (or the default)."""
        provider = registry.get(request.platform or None).spec.name
        return cls(request, actor, provider, response_url, registry, *tools)

    @property
    def owner(self) -> Owner:
        return self.actor.owner(self.provider)

    @property
    def spec(self) -> ProviderSpec:
        return self.registry.get(self.provider).spec


async def run(
    request: KudosCommand,
    actor: Actor,
    response_url: str | None,
    registry: Registry,
    tools: Tools,
) -> Reply:
    """The subcommand's reply (raises what it raises, an unknown platform too)."""
    return await SUBCOMMANDS[request.action](Ask.of(request, actor, response_url, registry, tools))


async def show_status(ask: Ask) -> Reply:
    """One line per enabled platform: linked as whom, or how to link; a link that expired
    for good (nothing can renew it) comes with a Link button."""
    rows: list[lookup_blocks.StatusRow] = []
    for name in ask.registry.names():
        owner = ask.actor.owner(name)
        spec = ask.registry.get(name).spec
        current = await ask.tokens.link(owner) if spec.per_user else None
        lapsed = current is not None and current.lapsed
        rows.append(
            (spec, current, await ask.linker.start(owner, ask.response_url) if lapsed else None)
        )
    text = "\n".join(lookup_blocks.status_line(spec, current) for spec, current, _ in rows)
    return text, lookup_blocks.status(rows) if any(url for *_, url in rows) else None


async def unlink(ask: Ask) -> Reply:
    if await ask.linker.unlink(ask.owner):
        return f"Unlinked from {ask.spec.display_name}; your tokens are deleted.", None
    return f"You weren't linked to {ask.spec.display_name}.", None


async def link(ask: Ask) -> Reply:
    spec = ask.spec
    current = await ask.tokens.link(ask.owner) if spec.per_user else None
    if current is not None and not current.confirmed:
        return blocks.confirm_account(spec, current.account)
    if current is not None and not current.lapsed:
        return (
            f"You're already linked to {spec.display_name} as {escape(current.account.name)}. "
            f"To use another account, run `/kudos unlink {spec.name}` first."
        ), None
    url = await ask.linker.start(ask.owner, ask.response_url)
    prompt = blocks.link_prompt(url, spec, f"Let's link your {spec.display_name} account.")
    return f"Link your {spec.display_name} account", prompt


async def whois(ask: Ask) -> Reply:
    """A person card from the platform, found by the Slack profile's e-mail."""
    if ask.request.user_id is None:
        raise InvalidInput("Who should I look up? Try `/kudos whois @ana`.")
    profile = await ask.people.recipient(ask.request.user_id)
    person, waited = await ask.directory.find_when_ready(ask.owner, profile.email or "")
    note = lookup_blocks.FIRST_LOOKUP if waited else None
    if person is None:
        text = f"{escape(profile.name)} is not on {ask.spec.display_name}."
        return text, [section(text), context(note)] if note else None
    card = lookup_blocks.person_card(ask.spec, person)
    return f"{escape(person.name)} on {ask.spec.display_name}", card + (
        [context(note)] if note else []
    )


async def recent(ask: Ask) -> Reply:
    """The latest recognitions given and received, with Older/Newer through the platform's pages."""
    person, page = await ask.lookups.recent(ask.owner, ask.request.user_id)
    shown = lookup_blocks.recent(ask.spec, person, page, ask.request.user_id)
    return f"Recent recognitions for {escape(person.name)}", shown


async def values(ask: Ask) -> Reply:
    choices = await ask.lookups.values(ask.owner)
    return f"{ask.spec.value_label.capitalize()}s on {ask.spec.display_name}", lookup_blocks.values(
        ask.spec, choices
    )


SUBCOMMANDS: dict[str, Callable[[Ask], Awaitable[Reply]]] = {
    "status": show_status,
    "unlink": unlink,
    "link": link,
    "whois": whois,
    "recent": recent,
    "values": values,
}


def help_text(platforms: list[str]) -> str:
    """Every command and shortcut with an example; `platforms`: the enabled ones, default first."""
    default = f" ({platforms[0]})" if platforms else ""
    other = platforms[-1] if platforms else "<platform>"
    return "\n".join(
        [
            "*Kudos Bridge* sends recognitions from Slack. `[platform]` is optional: "
            f"without it, the default{default} is used.",
            "• `/recognize @ana @bob for the smooth release #teamwork`: a preview, then *Send*",
            "• `/recognize` alone, the *Give recognition* shortcut, or the button on my Home "
            "tab: the recognition form",
            "• *Recognize for message* in a message's ⋮ menu: the form, with its author and a "
            "link to it",
            f"• `/kudos link [platform]`, e.g. `/kudos link {other}`: link your account",
            "• `/kudos status`: every platform and your link to each",
            f"• `/kudos unlink [platform]`, e.g. `/kudos unlink {other}`: remove the link and "
            "its tokens",
            f"• `/kudos whois @ana [platform]`, e.g. `/kudos whois @ana {other}`: who that is "
            "on the platform",
            f"• `/kudos recent [@ana] [platform]`, e.g. `/kudos recent @ana {other}`: the "
            "latest recognitions given and received, page by page",
            f"• `/kudos values [platform]`, e.g. `/kudos values {other}`: what you can "
            "recognize with",
            "• `/kudos help`: this list",
        ]
    )
