"""Block Kit's size limits as Slack enforces them (from Slack's Block Kit reference), written out
here independently of the bot's own constants: the Slack fake refuses what breaks them, and the
unit tests check every builder against them."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]
MESSAGE_BLOCKS, VIEW_BLOCKS = 50, 100
MESSAGES = ("chat.postMessage", "chat.postEphemeral", "chat.update")
VIEWS = ("views.open", "views.publish", "views.update")
MESSAGE_TEXT = 40_000  # chat.postMessage's `text`; Slack answers msg_too_long beyond
# (block or element type, field) -> most characters; each text object also needs one at least
TEXT_LIMITS: dict[tuple[str, str], int] = {
    ("section", "text"): 3000,
    ("section", "fields"): 2000,
    ("context", "elements"): 2000,
    ("header", "text"): 150,
    ("input", "label"): 2000,
    ("input", "hint"): 2000,
    ("button", "text"): 75,
    ("option", "text"): 75,
    ("option", "description"): 75,
    ("static_select", "placeholder"): 150,
    ("external_select", "placeholder"): 150,
    ("multi_users_select", "placeholder"): 150,
    ("plain_text_input", "placeholder"): 150,
    ("modal", "title"): 24,
    ("modal", "submit"): 24,
    ("modal", "close"): 24,
}
STRING_LIMITS: dict[tuple[str, str], int] = {
    ("button", "value"): 2000,
    ("button", "url"): 3000,
    ("option", "value"): 150,
    ("image", "image_url"): 3000,
    ("image", "alt_text"): 2000,
    ("modal", "private_metadata"): 3000,
    ("modal", "callback_id"): 255,
    ("*", "block_id"): 255,
    ("*", "action_id"): 255,
}
COUNT_LIMITS: dict[tuple[str, str], int] = {
    ("context", "elements"): 10,
    ("actions", "elements"): 25,
    ("section", "fields"): 10,
    ("static_select", "options"): 100,
    ("checkboxes", "options"): 10,
}


def blocks_problem(blocks: Any, surface: str = "message") -> str | None:
    """Why Slack would refuse these blocks (the first reason found), or None."""
    if blocks is None:
        return None
    if not isinstance(blocks, list):
        return "blocks must be a list"
    most = VIEW_BLOCKS if surface in ("modal", "home") else MESSAGE_BLOCKS
    if len(blocks) > most:
        return f"{len(blocks)} blocks, more than {most}"
    return next((p for block in blocks if (p := _problem(block, "block")) is not None), None)


def content_problem(method: str, params: Json) -> tuple[str | None, str]:
    """(Slack's error, why) for a Web API call whose message or view breaks a limit; else
    (None, "")."""
    problem: str | None = None
    if method in MESSAGES and len(str(params.get("text") or "")) > MESSAGE_TEXT:
        return "msg_too_long", "text"
    if method in MESSAGES:
        error, problem = "invalid_blocks", blocks_problem(params.get("blocks"))
    elif method in VIEWS:
        error, problem = "invalid_arguments", view_problem(params.get("view"))
    return (error, problem) if problem is not None else (None, "")


def view_problem(view: Any) -> str | None:
    if not isinstance(view, dict):
        return "view must be an object"
    kind = str(view.get("type", ""))
    return _own_problem(view, kind) or blocks_problem(view.get("blocks"), kind)


def _problem(node: Any, parent: str) -> str | None:
    """The first limit `node` (a block, element or option) or anything inside it breaks."""
    if not isinstance(node, dict):
        return None
    kind = str(node.get("type") or ("option" if "value" in node and "text" in node else parent))
    own = _own_problem(node, kind)
    if own is not None:
        return own
    for key, value in node.items():
        children = value if isinstance(value, list) else [value]
        if key not in ("text", "label", "placeholder", "title", "hint", "submit", "close"):
            for child in children:
                found = _problem(child, kind)
                if found is not None:
                    return found
    return None


def _own_problem(node: Json, kind: str) -> str | None:
    for key, value in node.items():
        texts = value if isinstance(value, list) else [value]
        if (kind, key) in COUNT_LIMITS and len(texts) > COUNT_LIMITS[kind, key]:
            return f"{kind}.{key}: {len(texts)} items, more than {COUNT_LIMITS[kind, key]}"
        most = TEXT_LIMITS.get((kind, key), 0)
        for text in texts if most else []:
            shown = text.get("text") if isinstance(text, dict) else None
            if isinstance(shown, str) and not 0 < len(shown) <= most:
                return f"{kind}.{key}: {len(shown)} characters, limit {most}"
        limit = STRING_LIMITS.get((kind, key)) or STRING_LIMITS.get(("*", key))
        if limit is not None and isinstance(value, str) and len(value) > limit:
            return f"{kind}.{key}: {len(value)} characters, limit {limit}"
    return None
