"""What both custom steps share: who a `user_context` input names, and completing or failing a
step whatever Slack answers."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable

import aiohttp
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
USER_ID = re.compile(r"[UW][A-Z0-9_]{2,30}")


def user_in(context: object) -> str | None:
    """The user a `user_context` input names (`{id, secret}`: Slack fills it, nobody types it)."""
    user_id = str(context.get("id") or "") if isinstance(context, dict) else ""
    return user_id if USER_ID.fullmatch(user_id) else None


async def settle(completing: Awaitable[object]) -> None:
    """Complete or fail the step; Slack refusing (the run ended) or unreachable is only logged,
    so the outbox still tells the sender and drops the entry."""
    try:
        await completing
    except SlackApiError as error:
        log.warning("workflow step not completed: %s", error.response.get("error"))
    except (aiohttp.ClientError, TimeoutError) as error:
        log.warning("workflow step not completed: %s", type(error).__name__)
