"""What Slack knows about the app from manifest.yml: its slash commands and shortcuts."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.kit import GLOBAL_SHORTCUT, MESSAGE_SHORTCUT


@dataclass(frozen=True)
class Shortcut:
    callback_id: str
    name: str
    type: str  # "global" or "message"


COMMANDS = ("/recognize", "/kudos")
SHORTCUTS = (
    Shortcut(GLOBAL_SHORTCUT, "Give recognition", "global"),
    Shortcut(MESSAGE_SHORTCUT, "Recognize for message", "message"),
)
BY_CALLBACK = {shortcut.callback_id: shortcut for shortcut in SHORTCUTS}
