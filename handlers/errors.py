"""Where errors reach the user: explained (words from handlers/words.py), replied, DMed."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.accounts.linking import Linker
from bot.errors import NotLinked
from bot.models import Actor, Resume
from bot.platforms.registry import Registry
from bot.runtime.lazy_work import LazyWork
from handlers import blocks, kit
from handlers.inject import declaring
from handlers.kit import escape, section
from handlers.words import said

log = logging.getLogger(__name__)
NOT_SHOWN = ":warning: Slack couldn't show the details of this answer."
REFUSED_BLOCKS = ("invalid_blocks", "invalid_blocks_format", "msg_too_long")
Reply = tuple[str, list[kit.Block] | None]


@dataclass(frozen=True)
class Asker:
    """Who is answered, and what a Link button for them takes (a missing link comes with one)."""

    actor: Actor
    linker: Linker
    registry: Registry


async def explain(
    error: Exception, asker: Asker, response_url: str | None, resume: Resume | None = None
) -> Reply:
    """What to tell the user about `error`; a missing link comes with a link button, and what
    they asked (`resume`) continues by itself once they are linked."""
    actor = asker.actor
    if isinstance(error, NotLinked) and actor.workspace and actor.user_id:
        spec = asker.registry.get(error.provider).spec
        url = await asker.linker.start(actor.owner(spec.name), response_url, resume)
        text = said(error)
        return text, blocks.link_prompt(url, spec, text)
    return f":warning: {said(error)}", None


async def settled(
    answering: Awaitable[Reply],
    asker: Asker,
    response_url: str | None,
    resume: Resume | None = None,
) -> Reply:
    """The reply, or what to say about its failure: never raises."""
    try:
        return await answering
    except Exception as error:  # the boundary: every failure ends in a message
        try:
            return await explain(error, asker, response_url, resume)
        except Exception as second:  # e.g. Redis down while making a link button
            log.warning("could not explain an error: %s", type(second).__name__)
            return f":warning: {said(second)}", None


async def reply(
    respond: AsyncRespond, text: str, shown: list[kit.Block] | None = None, **options: Any
) -> bool:
    """Post through the response_url within Slack's limits. Slack refuses a message it can't
    show with a 400 (respond() doesn't raise): then the gist goes again as plain text. True
    when the user got something."""
    result = await respond(**kit.message(text, shown), **options)
    if result.status_code == 200:
        return True
    log.warning("Slack refused a reply: %s %.80r", result.status_code, result.body)
    if shown is None or result.status_code != 400:  # 400: blocks it can't show; else the URL
        return False
    plain = await respond(text=kit.fit(f"{text}\n{NOT_SHOWN}", kit.MESSAGE_TEXT), **options)
    return plain.status_code == 200


async def direct_message(
    client: AsyncWebClient, user_id: str, text: str, shown: list[kit.Block] | None = None
) -> None:
    """A DM within Slack's limits; blocks Slack refuses become the gist in plain text. Never
    raises: it is the last way to reach the user."""
    try:
        await client.chat_postMessage(channel=user_id, **kit.message(text, shown))
        return
    except SlackApiError as error:
        log.warning("DM refused: %s", error.response.get("error"))
        if shown is None or error.response.get("error") not in REFUSED_BLOCKS:
            return
    except Exception as error:  # Slack unreachable: nothing else to do
        log.warning("could not DM the user: %s", type(error).__name__)
        return
    with suppress(Exception):  # the plain version failed too: nothing else to try
        plain = kit.message(f"{text}\n{NOT_SHOWN}")
        await client.chat_postMessage(channel=user_id, **plain)


async def tell(
    client: AsyncWebClient,
    user_id: str,
    text: str,
    shown: list[kit.Block] | None = None,
    response_url: str | None = None,
) -> None:
    """Outside a listener (after a sign-in, a delivery): replace the message behind
    `response_url` (through the client's pooled session) when there is one, else DM."""
    if response_url:
        webhook = AsyncWebhookClient(response_url, session=client.session)
        message = kit.message(text, shown) | {"replace_original": True}
        try:
            result = await webhook.send_dict({"response_type": "ephemeral", **message})
            if result.status_code == 200:
                return
            log.info("response_url answered %s; falling back to a DM", result.status_code)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.info("response_url failed (%s); falling back to a DM", type(error).__name__)
    await direct_message(client, user_id, text, shown)


async def answer(error: Exception, respond: AsyncRespond, asker: Asker) -> None:
    """Tell the user what went wrong, as a new message."""
    text, shown = await explain(error, asker, respond.response_url)
    await reply(respond, text, shown, replace_original=False)


async def _reported(given: dict[str, Any], run: Callable[[], Awaitable[None]]) -> None:
    respond: AsyncRespond = given["respond"]
    lazy_work: LazyWork = given["lazy_work"]
    try:
        async with lazy_work.slot(given["kept_place"]):
            await run()
    except Exception as error:  # the boundary: every failure ends in a message
        if respond.response_url is None:  # nowhere to answer (Slack always sends one)
            log.warning("could not report %s: no response_url", type(error).__name__)
            return
        asker = Asker(given["actor"], given["linker"], given["registry"])
        try:
            async with lazy_work.after_acks():  # e.g. "busy" to many at once: acks go first
                await answer(error, respond, asker)
        except Exception as second:  # e.g. Redis down while making a link button
            log.warning("could not report an error: %s", type(second).__name__)
            with suppress(Exception):  # the last word; nothing else to try
                await respond(text=f":warning: {said(second)}")


REPORTS_NEED = ("respond", "lazy_work", "kept_place", "actor", "linker", "registry")
reports_errors = declaring(REPORTS_NEED, _reported)
"""Wrap a lazy listener (Bolt only logs their failures) so the user always hears back; it runs in
one of the process's slots for work after the ack (bot/runtime/lazy_work.py), taking the place
kept for its command at admission (handlers/admission.py)."""


async def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
    """Bolt's single error handler, for failures before the ack: still a 200 with a message,
    shaped for where it will be read (a modal shows a view, anything else a text)."""
    text = f":warning: {said(error)}"
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
