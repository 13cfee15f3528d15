"""Block Kit elements as Slack reports them back: a used element's action, a form's state.

The page says only which element was used and what was chosen (an option's value, user ids, the
text typed); everything else (types, option objects, button values) comes from the blocks the
bot sent, so the page can't put words in the bot's mouth."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Any

from sandbox.people import BY_SLACK_ID

Json = dict[str, Any]
Chosen = str | list[str] | None  # what the page sends for one element
REQUIRED = "Please complete this required field."
FILLED = ("value", "selected_option", "selected_user", "selected_options", "selected_users")


def elements_of(block: Json) -> Iterator[Json]:
    """The interactive elements of a block: an accessory, an actions row, an input's element."""
    candidates = [block.get("accessory"), block.get("element")]
    if block.get("type") == "actions" and isinstance(block.get("elements"), list):
        candidates += block["elements"]
    yield from (c for c in candidates if isinstance(c, dict) and "action_id" in c)


def find_element(blocks: list[Json], block_id: str, action_id: str) -> Json | None:
    for block in blocks:
        if block.get("block_id") == block_id:
            found = (e for e in elements_of(block) if e.get("action_id") == action_id)
            return next(found, None)
    return None


def options_of(element: Json) -> list[Json]:
    """Every option of a select or checkbox group, option groups included."""
    options = [o for o in element.get("options") or [] if isinstance(o, dict)]
    for group in element.get("option_groups") or []:
        options += [o for o in group.get("options") or [] if isinstance(o, dict)]
    return options


def as_list(chosen: Chosen) -> list[str]:
    if chosen is None:
        return []
    return [chosen] if isinstance(chosen, str) else [str(item) for item in chosen]


def choice(element: Json, chosen: Chosen) -> Json:
    """The part of an action or state value that says what was chosen, by element type."""
    kind = str(element.get("type"))
    picked = as_list(chosen)
    if kind in ("static_select", "overflow", "radio_buttons"):
        found = [o for o in options_of(element) if o.get("value") in picked[:1]]
        return {"selected_option": found[0] if found else None}
    if kind in ("checkboxes", "multi_static_select"):
        return {"selected_options": [o for o in options_of(element) if o.get("value") in picked]}
    if kind == "multi_users_select":
        return {"selected_users": [u for u in dict.fromkeys(picked) if u in BY_SLACK_ID]}
    if kind == "users_select":
        return {"selected_user": next((u for u in picked if u in BY_SLACK_ID), None)}
    if kind == "plain_text_input":
        return {"value": picked[0] if picked and picked[0] != "" else None}
    return {}


def action_of(element: Json, block_id: str, chosen: Chosen) -> Json:
    """One entry of a block_actions payload's `actions`."""
    action: Json = {"action_id": element["action_id"], "block_id": block_id}
    action |= {"type": element.get("type"), "action_ts": f"{time.time():.6f}"}
    if element.get("type") == "button":
        action["text"] = element.get("text")
        if "value" in element:
            action["value"] = element["value"]
        return action
    return action | choice(element, chosen)


def is_empty(value: Json) -> bool:
    """Nothing typed or picked."""
    return not any(value.get(key) for key in FILLED)


def form_state(blocks: list[Json], typed: dict[str, Chosen]) -> tuple[Json, dict[str, str]]:
    """A modal's `state.values` from what the page sent, and the errors Slack itself shows
    (required fields, lengths) before anything reaches the app."""
    values: Json = {}
    errors: dict[str, str] = {}
    for block in blocks:
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, dict):
            continue
        block_id = str(block.get("block_id"))
        value = {"type": element.get("type")} | choice(element, typed.get(block_id))
        values[block_id] = {str(element.get("action_id")): value}
        problem = length_problem(element, value.get("value"))
        if is_empty(value) and not block.get("optional"):
            problem = REQUIRED
        if problem:
            errors[block_id] = problem
    return values, errors


def length_problem(element: Json, text: Any) -> str:
    """Slack's own limits on a text input."""
    if not isinstance(text, str):
        return ""
    longest, shortest = element.get("max_length"), element.get("min_length")
    if isinstance(longest, int) and len(text) > longest:
        return f"Must be {longest} characters or fewer."
    if isinstance(shortest, int) and len(text) < shortest:
        return f"Must be at least {shortest} characters."
    return ""


def with_ids(blocks: Any) -> list[Json]:
    """A copy of `blocks` where every block has a block_id and every element an action_id."""
    listed = blocks if isinstance(blocks, list) else []
    shown = [dict(block) for block in listed if isinstance(block, dict)]
    for block in shown:
        block.setdefault("block_id", secrets.token_urlsafe(4))
        if isinstance(block.get("accessory"), dict):
            block["accessory"] = _with_action_id(block["accessory"])
        if block.get("type") == "actions" and isinstance(block.get("elements"), list):
            block["elements"] = [_with_action_id(e) for e in block["elements"]]
        if isinstance(block.get("element"), dict):
            block["element"] = _with_action_id(block["element"])
    return shown


def _with_action_id(element: Any) -> Any:
    if isinstance(element, dict) and element.get("type") not in ("image", None):
        return {"action_id": secrets.token_urlsafe(4)} | element
    return element
