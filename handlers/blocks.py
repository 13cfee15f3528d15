"""Block Kit, built by pure functions: data in, JSON-ready dicts out."""

from __future__ import annotations

from typing import Any

from bot.models import Draft, Link, Person, Sent
from bot.providers.base import ProviderSpec

Block = dict[str, Any]
SEND, CANCEL, CHOOSE_VALUE, OPEN_LINK = (
    "recognition_send",
    "recognition_cancel",
    "recognition_value",
    "link_open",
)
CONFIRM_LINK, REJECT_LINK = "link_confirm", "link_reject"


def escape(text: str) -> str:
    """Text shown as mrkdwn: Slack's three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def button(
    text: str,
    action_id: str,
    *,
    value: str | None = None,
    url: str | None = None,
    style: str | None = None,
) -> Block:
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text, "emoji": True},
    }
    for key, item in (("value", value), ("url", url), ("style", style)):
        if item is not None:
            element[key] = item
    return element


def quote(message: str) -> str:
    return "\n".join(f">{line}" for line in escape(message).splitlines() or [""])


def link_prompt(url: str, spec: ProviderSpec, reason: str) -> list[Block]:
    return [
        section(f"{escape(reason)}\nSign in to {spec.display_name} to link your account."),
        {
            "type": "actions",
            "elements": [button(f"Link {spec.display_name}", OPEN_LINK, url=url, style="primary")],
        },
        context("The button works once, for 10 minutes. We never see your password."),
    ]


def confirm_account(spec: ProviderSpec, account: Person) -> tuple[str, list[Block]]:
    """Ask the user to confirm an account the platform showed without an e-mail address."""
    who = f"*{escape(account.name)}*" + (f", {escape(account.title)}" if account.title else "")
    text = f"Is this your {spec.display_name} account: {who}?"
    shown = [
        section(
            f"{text}\n{spec.display_name} didn't share an e-mail address we could check, "
            "so the link stays off until you confirm."
        ),
        {
            "type": "actions",
            "elements": [
                button("Yes, that's me", CONFIRM_LINK, value=spec.name, style="primary"),
                button("No, unlink it", REJECT_LINK, value=spec.name, style="danger"),
            ],
        },
    ]
    return text, shown


def names(draft: Draft) -> str:
    return ", ".join(f"<@{recipient.slack_id}>" for recipient in draft.recipients)


def value_picker(draft: Draft, spec: ProviderSpec) -> Block:
    options = [
        {"text": {"type": "plain_text", "text": value.name[:75]}, "value": value.id}
        for value in draft.choices[:100]
    ]
    return {
        "type": "static_select",
        "action_id": CHOOSE_VALUE,
        "placeholder": {"type": "plain_text", "text": f"Pick a {spec.value_label}"},
        "options": options,
    }


def preview(draft: Draft, spec: ProviderSpec) -> list[Block]:
    """The ephemeral preview with Send and Cancel (and a value picker when one is missing)."""
    blocks = [section(f"*Preview* · recognizing {names(draft)} on {spec.display_name}")]
    if draft.value is not None:
        blocks.append(section(f"*{spec.value_label.capitalize()}:* {escape(draft.value.name)}"))
    elif draft.unknown_value:
        blocks.append(
            section(
                f"There's no {spec.value_label} called "
                f"*#{escape(draft.unknown_value)}*. Pick one to continue:"
            )
        )
    elif spec.value_required:
        blocks.append(section(f"Pick a {spec.value_label} to continue:"))
    blocks.append(section(quote(draft.message)))
    controls: list[Block] = []
    if draft.value is None and draft.choices:
        controls.append(value_picker(draft, spec))
    if draft.value is not None or not spec.value_required:
        controls.append(button("Send", SEND, value=draft.id, style="primary"))
    controls.append(button("Cancel", CANCEL, value=draft.id))
    blocks.append({"type": "actions", "block_id": f"draft:{draft.id}", "elements": controls})
    return blocks


def confirmation(draft: Draft, sent: Sent, spec: ProviderSpec) -> list[Block]:
    where = f"<{sent.url}|View it on {spec.display_name}>" if sent.url else spec.display_name
    return [
        section(f":white_check_mark: Recognition sent to {names(draft)}. {where}"),
        context(quote(draft.message)),
    ]


def announcement(draft: Draft, sent: Sent, spec: ProviderSpec) -> list[Block]:
    value = f" for *{escape(draft.value.name)}*" if draft.value else ""
    lines = [f":tada: <@{draft.user_id}> recognized {names(draft)}{value}", quote(draft.message)]
    blocks = [section("\n".join(lines))]
    if sent.url:
        blocks.append(context(f"<{sent.url}|See it on {spec.display_name}>"))
    return blocks


def announcement_text(draft: Draft) -> str:
    """Notification fallback for the announcement."""
    return f"<@{draft.user_id}> recognized {names(draft)}"


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


HELP = "\n".join(
    [
        "*Kudos Bridge* sends recognitions from Slack.",
        "• `/recognize @ana @bob for the smooth release #teamwork`: preview, then Send",
        "• `/kudos link [platform]`: link your account on the recognition platform",
        "• `/kudos status`: every platform and your link to each",
        "• `/kudos unlink [platform]`: remove the link and its tokens",
        "• `/kudos whois @ana [platform]`: who that is on the platform",
        "• `/kudos help`: this list",
    ]
)
