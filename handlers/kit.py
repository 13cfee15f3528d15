"""Block Kit primitives and every action id the app's surfaces use."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]

# Action ids: one table, so listeners and builders agree.
SEND, CANCEL, CHOOSE_VALUE, ANNOUNCE = (
    "recognition_send",
    "recognition_cancel",
    "recognition_value",
    "recognition_announce",
)
OPEN_LINK, CONFIRM_LINK, REJECT_LINK = "link_open", "link_confirm", "link_reject"
OLDER, NEWER = "recent_older", "recent_newer"
RETRY = "recognition_retry"  # on a recognition that could not be delivered
GIVE = "recognition_give"  # opens the recognition modal (App Home button)
HOME_LINK, HOME_UNLINK = "home_link", "home_unlink"
# Modal and shortcuts (callback ids; the shortcut ones are also in manifest.yml)
MODAL = "recognition_modal"
GLOBAL_SHORTCUT, MESSAGE_SHORTCUT = "give_recognition", "recognize_message"


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
