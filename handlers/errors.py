"""The one place where errors become what the user sees."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse

from bot.errors import KudosError, NotLinked
from bot.linking import Linker
from bot.models import Owner
from bot.providers import Registry
from handlers import blocks

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
        try:
            await listener(**kwargs)
        except Exception as error:  # the boundary: every failure ends in a message
            try:
                await answer(error, kwargs["respond"], kwargs["context"])
            except Exception as second:  # e.g. Redis down while making a link button
                log.warning("could not report an error: %s", type(second).__name__)
                await kwargs["respond"](text=f":warning: {user_message(second)}")

    return wrapper


async def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
    """Bolt's single error handler, for failures before the ack: still a 200 with a message."""
    text = f":warning: {user_message(error)}"
    payload = json.dumps({"response_type": "ephemeral", "text": text})
    return BoltResponse(status=200, body=payload, headers={"content-type": "application/json"})
