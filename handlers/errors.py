"""The one place where errors become what the user sees."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse

from bot.errors import KudosError, NotLinked
from bot.linking import Linker
from bot.models import Owner
from bot.providers import Registry
from handlers import blocks
from handlers.kit import escape, section

log = logging.getLogger(__name__)
GENERIC = KudosError.user_message
LazyListener = Callable[..., Awaitable[None]]


def user_message(error: Exception) -> str:
    if isinstance(error, KudosError):
        return error.user_message
    log.error("unexpected %s", type(error).__name__, exc_info=error)
    return GENERIC


async def answer(error: Exception, respond: AsyncRespond, context: AsyncBoltContext) -> None:
    """Tell the user what went wrong; a missing link comes with a link button."""
    if isinstance(error, NotLinked) and context.team_id and context.user_id:
        linker: Linker = context["linker"]
        registry: Registry = context["registry"]
        spec = registry.get(error.provider).spec
        owner = Owner(context.team_id, context.user_id, spec.name)
        url = await linker.start(owner, respond.response_url)
        prompt = blocks.link_prompt(url, spec, error.user_message)
        await respond(text=error.user_message, blocks=prompt, replace_original=False)
        return
    await respond(text=f":warning: {user_message(error)}", replace_original=False)


def reports_errors(listener: LazyListener) -> LazyListener:
    """Wrap a lazy listener (Bolt only logs their failures) so the user always hears back."""

    @functools.wraps(listener)
    async def wrapper(**kwargs: Any) -> None:
        respond: AsyncRespond = kwargs["respond"]
        try:
            await listener(**kwargs)
        except Exception as error:  # the boundary: every failure ends in a message
            if respond.response_url is None:  # nowhere to answer (Slack always sends one)
                log.warning("could not report %s: no response_url", type(error).__name__)
                return
            try:
                await answer(error, respond, kwargs["context"])
            except Exception as second:  # e.g. Redis down while making a link button
                log.warning("could not report an error: %s", type(second).__name__)
                with suppress(Exception):  # the last word; nothing else to try
                    await respond(text=f":warning: {user_message(second)}")

    return wrapper


async def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
    """Bolt's single error handler, for failures before the ack: still a 200 with a message,
    shaped for where it will be read (a modal shows a view, anything else a text)."""
    text = f":warning: {user_message(error)}"
    answer: dict[str, Any] = {"response_type": "ephemeral", "text": text}
    if body.get("type") == "view_submission":
        answer = {"response_action": "update", "view": notice(text)}
    return BoltResponse(
        status=200, body=json.dumps(answer), headers={"content-type": "application/json"}
    )


def notice(text: str) -> dict[str, Any]:
    """A modal that only says something, replacing a form that could not be handled."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Kudos Bridge"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [section(escape(text))],
    }
