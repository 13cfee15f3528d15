"""Registered last: a slash command no listener knows gets a word of help. (Anything else no
listener claims is acknowledged with an empty 200 by bot/app.py, never Bolt's 404.)"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

ANYTHING = re.compile(".*")


async def unknown_command(ack: AsyncAck, command: dict[str, Any]) -> None:
    await ack(text="I don't know that command. Try `/kudos help`.")


def register(app: AsyncApp) -> None:
    app.command(ANYTHING)(unknown_command)
