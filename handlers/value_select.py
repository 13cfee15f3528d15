"""The value menu of the preview and the form, built by pure functions: a static menu while the
platform's values fit Slack's 100 options, an external-data menu (type-ahead, answered through
`block_suggestion`) beyond; and the options such a menu is answered with."""

from __future__ import annotations

from collections.abc import Sequence

from bot.models import Value
from bot.recognition.drafts import squash
from handlers.kit import OPTION_TEXT, OPTION_VALUE, Block, clip

MAX_OPTIONS = 100  # Slack's most for a static menu, and for one options answer
MIN_QUERY_LENGTH = 0  # the menu lists the first 100 when opened, then narrows as one types


def offered(values: Sequence[Value]) -> list[Value]:
    """The values a menu can carry (Slack caps an option's value at 150 characters)."""
    return [value for value in values if len(value.id) <= OPTION_VALUE]


def option(value: Value) -> Block:
    text = {"type": "plain_text", "text": clip(value.name, OPTION_TEXT), "emoji": True}
    return {"text": text, "value": value.id}


def options(values: Sequence[Value]) -> list[Block]:
    """The first 100 values a menu can carry, as options (Workflow Builder's menu has no
    type-ahead)."""
    return [option(value) for value in offered(values)[:MAX_OPTIONS]]


def value_select(action_id: str, values: Sequence[Value], value_label: str) -> Block:
    """Every value in a static menu when they fit; else a menu the user types into."""
    usable = offered(values)
    if len(usable) <= MAX_OPTIONS:
        return {
            "type": "static_select",
            "action_id": action_id,
            "placeholder": _placeholder(f"Pick a {value_label}"),
            "options": [option(value) for value in usable],
        }
    return {
        "type": "external_select",
        "action_id": action_id,
        "placeholder": _placeholder(f"Type to find a {value_label} ({len(usable)} in all)"),
        "min_query_length": MIN_QUERY_LENGTH,
    }


def suggestions(values: Sequence[Value], typed: str) -> list[Block]:
    """Up to 100 options whose name holds what was typed (case, spaces and punctuation
    ignored, as `#tags` are read), those starting with it first."""
    wanted = squash(typed)
    found = [value for value in offered(values) if wanted in squash(value.name)]
    found.sort(key=lambda value: not squash(value.name).startswith(wanted))  # stable
    return [option(value) for value in found[:MAX_OPTIONS]]


def _placeholder(text: str) -> Block:
    return {"type": "plain_text", "text": clip(text, OPTION_TEXT), "emoji": True}
