"""Block Kit primitives, Slack's size limits, and every action id the app's surfaces use.

Every text goes through `fit` here, after escaping: Slack refuses a whole message (or view) with
`invalid_blocks` when one text is too long, and `respond()` does not raise when it does."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

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

# Slack's limits, in characters as sent (after escaping), and blocks per surface.
SECTION_TEXT, CONTEXT_TEXT, HEADER_TEXT = 3000, 2000, 150
BUTTON_TEXT = OPTION_TEXT = 75
OPTION_VALUE, ALT_TEXT, URL_LENGTH = 150, 2000, 3000
MESSAGE_TEXT = 3000  # a message's own `text`, its notification fallback (Slack cuts at 40,000)
MESSAGE_BLOCKS, VIEW_BLOCKS = 50, 100
MORE = "…"
UNSAFE_IN_URL = re.compile(r"[\s<>|\"'`{}\\^\x00-\x1f\x7f]")


def escape(text: str) -> str:
    """Text shown as mrkdwn: Slack's three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    """Mrkdwn within `limit` characters, ending in "…" when cut; never cut inside an `&…;`
    entity or a `<…>` link or mention (which would show broken markup, or none)."""
    if len(text) <= limit:
        return text
    cut = _before_unclosed(text[: limit - len(MORE)], "&", ";")
    cut = _before_unclosed(cut, "<", ">")
    return cut.rstrip() + MORE


def _before_unclosed(text: str, opener: str, closer: str) -> str:
    start = text.rfind(opener)
    return text[:start] if start != -1 and closer not in text[start:] else text


def clip(text: str, limit: int) -> str:
    """Plain text within `limit` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - len(MORE)].rstrip() + MORE


def safe_url(url: str | None) -> str | None:
    """An absolute http(s) URL with the characters that would end a mrkdwn link (`|`, `>`, …)
    percent-encoded; None for anything else (another scheme, no host, too long)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    encoded = UNSAFE_IN_URL.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), url)
    return encoded if len(encoded) <= URL_LENGTH else None


def link(url: str | None, label: str) -> str:
    """`<url|label>` for a safe http(s) URL; only the (escaped) label otherwise."""
    safe = safe_url(url)
    return f"<{safe.replace('&', '&amp;')}|{escape(label)}>" if safe else escape(label)


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": fit(text, SECTION_TEXT)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": fit(text, CONTEXT_TEXT)}]}


def sections(lines: Iterable[str]) -> list[Block]:
    """Lines of mrkdwn in as few sections as hold them (a line too long for one is cut)."""
    shown: list[Block] = []
    current = ""
    for line in (fit(line, SECTION_TEXT) for line in lines):
        if current and len(current) + 1 + len(line) > SECTION_TEXT:
            shown.append(section(current))
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    return [*shown, section(current)] if current else shown


def capped(shown: list[Block], limit: int = MESSAGE_BLOCKS) -> list[Block]:
    """At most `limit` blocks; the last one left says that more did not fit."""
    if len(shown) <= limit:
        return shown
    return [*shown[: limit - 1], context(f"{MORE} and more than fits here.")]


def message(text: str, shown: list[Block] | None = None) -> dict[str, Any]:
    """A message's `text` and `blocks` within Slack's limits (for ack, respond and chat.*)."""
    answer: dict[str, Any] = {"text": fit(text, MESSAGE_TEXT)}
    if shown is not None:
        answer["blocks"] = capped(shown)
    return answer


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
        "text": {"type": "plain_text", "text": clip(text, BUTTON_TEXT), "emoji": True},
    }
    for key, item in (("value", value), ("url", url), ("style", style)):
        if item is not None:
            element[key] = item
    return element


def quote(message: str) -> str:
    return "\n".join(f">{line}" for line in escape(message).splitlines() or [""])
