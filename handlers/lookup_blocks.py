"""Block Kit for lookups: status, person cards, recent recognitions, values."""

from __future__ import annotations

from bot.models import Link, Person
from bot.providers.base import ProviderSpec
from handlers.kit import Block, context, escape, section


def status_line(spec: ProviderSpec, link: Link | None) -> str:
    if not spec.per_user:
        return f"*{spec.display_name}*: connected for everyone (no personal link needed)."
    if link is not None and not link.confirmed:
        return f"*{spec.display_name}*: waiting for you to confirm the account (see my DM)."
    if link is None:
        return f"*{spec.display_name}*: not linked. Run `/kudos link {spec.name}`."
    account = link.account
    email = f" ({escape(account.email)})" if account.email else ""
    return f"*{spec.display_name}*: linked as {escape(account.name)}{email}"


def person_card(spec: ProviderSpec, person: Person) -> list[Block]:
    """Name, title and department where the platform has them, e-mail, profile link, picture."""
    lines = [f"*{escape(person.name)}*"]
    role = ", ".join(escape(part) for part in (person.title, person.department) if part)
    lines += [role] if role else []
    lines += [escape(person.email)] if person.email else []
    if person.profile_url:
        lines.append(f"<{person.profile_url}|Profile on {spec.display_name}>")
    card = section("\n".join(lines))
    if person.image_url:
        card["accessory"] = {
            "type": "image",
            "image_url": person.image_url,
            "alt_text": person.name,
        }
    return [card, context(f"From {spec.display_name}")]
