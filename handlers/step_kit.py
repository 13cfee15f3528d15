"""What the custom steps share: who a `user_context` input names, completing or failing a step
whatever Slack answers (now, or from the outbox's outcome), and a failure in the words of the
workflow's author."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable

import aiohttp
from slack_bolt.context.complete.async_complete import AsyncComplete
from slack_bolt.context.fail.async_fail import AsyncFail
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import KudosError
from bot.intents import Intent
from bot.platforms.spec import ProviderSpec
from bot.recognition.rules import Reason, RuleBroken
from handlers.words import failure_words, said

log = logging.getLogger(__name__)
USER_ID = re.compile(r"[UW][A-Z0-9_]{2,30}")


def user_in(user_context: object) -> str | None:
    """The user a `user_context` input names (`{id, secret}`: Slack fills it, nobody types it)."""
    user_id = str(user_context.get("id") or "") if isinstance(user_context, dict) else ""
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


FOR_AUTHORS: dict[Reason, str] = {  # what the runner hears, as the author reads it
    "self": (
        "The person running the workflow is among the step's Recipients; nobody can recognize "
        "themselves. Leave them out of the Recipients."
    ),
    "too_many_recipients": "A recognition can go to up to {most} people.",
}


def failure(error: KudosError) -> str:
    """The error in a workflow author's words: the step's own where /recognize's address the
    person typing (by the rule's reason, never its text)."""
    words = said(error)
    if isinstance(error, RuleBroken) and error.rule in FOR_AUTHORS:
        words = FOR_AUTHORS[error.rule].format(**error.data)
    return f"Recognition not sent: {words}"


def not_linked(user_id: str, spec: ProviderSpec) -> str:
    return (
        f"<@{user_id}> hasn't linked a {spec.display_name} account to Slack yet: they should "
        "run `/kudos link`, then the workflow again."
    )


async def finish(
    complete: AsyncComplete, fail: AsyncFail, intent: Intent, spec: ProviderSpec
) -> None:
    """The step's outputs once delivered; in words a workflow author understands otherwise."""
    if intent.status == "done":
        sent = intent.sent
        outputs = {
            "recognition_id": sent.id if sent else None,
            "recognition_link": sent and sent.url,
        }
        await complete({name: value for name, value in outputs.items() if value})
        return
    why = failure_words(intent.reason) or "it was refused"
    await fail(f"{spec.display_name} didn't take the recognition: {why}")


async def report(client: AsyncWebClient, intent: Intent, spec: ProviderSpec) -> None:
    """From the outbox's outcome hook: complete the step whose outcome came after Send's wait."""
    step = intent.draft.step
    if step is None or not intent.final:
        return
    await settle(finish(AsyncComplete(client, step), AsyncFail(client, step), intent, spec))
