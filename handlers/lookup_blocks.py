"""Block Kit for lookups: status, person cards, recent recognitions, values."""

from __future__ import annotations

import json

from bot.errors import InvalidInput
from bot.models import Link, Person, Recognition, Value
from bot.platforms.paging import NextPage
from bot.platforms.spec import ProviderSpec, RecentPage
from handlers.kit import (
    ALT_TEXT,
    MESSAGE_BLOCKS,
    NEWER,
    OLDER,
    OPEN_LINK,
    Block,
    button,
    capped,
    clip,
    context,
    escape,
    link,
    quote,
    safe_url,
    section,
    sections,
)


def status_line(spec: ProviderSpec, link: Link | None) -> str:
    if not spec.per_user:
        return f"*{spec.display_name}*: connected for everyone (no personal link needed)."
    if link is not None and not link.confirmed:
        return (
            f"*{spec.display_name}*: waiting for you to confirm the account. "
            f"Run `/kudos link {spec.name}` to see the question again."
        )
    if link is None:
        return f"*{spec.display_name}*: not linked. Run `/kudos link {spec.name}`."
    account = link.account
    if link.lapsed:
        return (
            f"*{spec.display_name}*: your link as {escape(account.name)} has expired. "
            "Link again to continue."
        )
    email = f" ({escape(account.email)})" if account.email else ""
    return f"*{spec.display_name}*: linked as {escape(account.name)}{email}"


FIRST_LOOKUP = (
    "The first lookup after the bot starts reads the whole company directory, so this one "
    "took longer; the next ones are instant."
)
StatusRow = tuple[ProviderSpec, Link | None, str | None]  # the platform, the link, a sign-in URL


def status(rows: list[StatusRow]) -> list[Block]:
    """`/kudos status`: a line per platform, with a Link button where a sign-in is offered."""
    shown: list[Block] = []
    for spec, current, sign_in in rows:
        shown.append(section(status_line(spec, current)))
        if sign_in is not None:
            label = f"Link {spec.display_name}"
            shown.append(
                {
                    "type": "actions",
                    "elements": [button(label, OPEN_LINK, url=sign_in, style="primary")],
                }
            )
    return capped(shown, MESSAGE_BLOCKS)


def person_card(spec: ProviderSpec, person: Person) -> list[Block]:
    """Name, title and department where the platform has them, e-mail, profile link, picture."""
    lines = [f"*{escape(person.name)}*"]
    role = ", ".join(escape(part) for part in (person.title, person.department) if part)
    lines += [role] if role else []
    lines += [escape(person.email)] if person.email else []
    if safe_url(person.profile_url):
        lines.append(link(person.profile_url, f"Profile on {spec.display_name}"))
    card = section("\n".join(lines))
    image = safe_url(person.image_url)
    if image:
        card["accessory"] = {
            "type": "image",
            "image_url": image,
            "alt_text": clip(person.name, ALT_TEXT),
        }
    return [card, context(f"From {spec.display_name}")]


def encode_cursor(provider: str, subject: str | None, at: NextPage | None) -> str | None:
    """A page position as a button value (Slack allows 2,000 characters)."""
    if at is None:
        return None
    value = json.dumps({"p": provider, "u": subject or "", "path": at.path, "q": at.params})
    return value if len(value) <= 2000 else None


def decode_cursor(value: str) -> tuple[str, str | None, NextPage]:
    """Provider, subject and page from a button value; InvalidInput when it isn't one."""
    try:
        data = json.loads(value)
        query = data.get("q")
        params = None if query is None else {str(k): str(v) for k, v in query.items()}
        path = data.get("path")
        page = NextPage(str(path) if path else None, params)
        return str(data["p"]), str(data.get("u") or "") or None, page
    except (ValueError, KeyError, AttributeError, TypeError) as error:
        raise InvalidInput("That page isn't available. Run `/kudos recent` again.") from error


def recognition_item(item: Recognition) -> Block:
    who = escape(item.giver or "someone")
    to = ", ".join(escape(name) for name in item.recipients if name) or "someone"
    value = f" · *{escape(item.value)}*" if item.value else ""
    when = f" · {escape(item.created[:10])}" if item.created else ""
    view = f" · {link(item.url, 'View')}" if safe_url(item.url) else ""
    return section(f"*{who}* → {to}{value}{when}{view}\n{quote(item.message[:500])}")


def recent(
    spec: ProviderSpec, person: Person, page: RecentPage, subject: str | None
) -> list[Block]:
    """A page of recognitions with Older/Newer buttons that move through the platform's pages."""
    shown = [section(f"*Recent recognitions* · {escape(person.name)} on {spec.display_name}")]
    shown += [recognition_item(item) for item in page.items] or [
        context("Nothing here yet. Be the first: `/recognize @someone for …`")
    ]
    shown = capped(shown, MESSAGE_BLOCKS - 1)  # room for the buttons
    controls = [
        button(label, action_id, value=value)
        for label, action_id, value in (
            ("Newer", NEWER, encode_cursor(spec.name, subject, page.newer)),
            ("Older", OLDER, encode_cursor(spec.name, subject, page.older)),
        )
        if value is not None
    ]
    if controls:
        shown.append({"type": "actions", "elements": controls})
    return shown


def values(spec: ProviderSpec, choices: list[Value]) -> list[Block]:
    """Every value with its points and description, in as many sections as that takes."""
    label = spec.values_label.capitalize()
    if not choices:
        return [section(f"{spec.display_name} offers no {spec.values_label} to choose from.")]
    lines = []
    for value in choices:
        points = f" ({value.points} points)" if value.points else ""
        about = f": {escape(value.description)}" if value.description else ""
        lines.append(f"• *{escape(value.name)}*{points}{about}")
    tag = escape(squash_tag(choices[0].name))
    hint = context(f"Use one with a #tag: `/recognize @ana thanks #{tag}`")
    shown = sections([f"*{label} on {spec.display_name}*", *lines])
    return [*capped(shown, MESSAGE_BLOCKS - 1), hint]


def squash_tag(name: str) -> str:
    return "".join(part.capitalize() if i else part.lower() for i, part in enumerate(name.split()))
