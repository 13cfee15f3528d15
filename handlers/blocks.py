"""Block Kit, built by pure functions: data in, JSON-ready dicts out."""

from __future__ import annotations

from typing import Any

from bot.models import Draft, Link, Sent
from bot.providers.base import ProviderSpec

Block = dict[str, Any]
SEND, CANCEL, CHOOSE_VALUE, OPEN_LINK = (
    "recognition_send",
    "recognition_cancel",
    "recognition_value",
    "link_open",
)


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
    if link is None:
        return f"*{spec.display_name}*: not linked. Run `/kudos link {spec.name}`."
    account = link.account
    email = f" ({escape(account.email)})" if account.email else ""
    return f"*{spec.display_name}*: linked as {escape(account.name)}{email}"


HELP = "\n".join(
    [
        "*Kudos Bridge* sends recognitions from Slack.",
        "• `/recognize @ana @bob for the smooth release #teamwork`: preview, then Send",
        "• `/kudos link`: link your account on the recognition platform",
        "• `/kudos status`: see which account you're linked to",
        "• `/kudos unlink`: remove the link and its tokens",
        "• `/kudos help`: this list",
    ]
)
