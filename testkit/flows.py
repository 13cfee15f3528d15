"""What a person does in Slack and the browser, as steps for end-to-end tests and the bench."""

from __future__ import annotations

from typing import Any

import httpx

from testkit.bot_process import BotProcess
from testkit.fakes.slack import FakeSlack
from testkit.support import wait_until

Blocks = list[dict[str, Any]]


def elements(blocks: Blocks) -> list[dict[str, Any]]:
    """Every interactive element of a message, in order."""
    return [element for block in blocks for element in block.get("elements", [])]


def element(blocks: Blocks, action_id: str) -> dict[str, Any]:
    for candidate in elements(blocks):
        if candidate.get("action_id") == action_id:
            return candidate
    raise AssertionError(f"no {action_id} in {blocks}")


def text_of(message: dict[str, Any]) -> str:
    """All visible text of a message: its text and every section and context."""
    parts = [str(message.get("text", ""))]
    for block in message.get("blocks", []):
        parts.append(str((block.get("text") or {}).get("text", "")))
        parts += [str(item.get("text", "")) for item in block.get("elements", [])]
    return "\n".join(parts)


def next_reply(slack: FakeSlack, key: str, seen: int) -> dict[str, Any]:
    """The first message posted to `key`'s response_url after the first `seen` ones."""
    replies = wait_until(lambda: slack.responses(key)[seen:] or None)
    reply: dict[str, Any] = replies[0]
    return reply


def command(bot: BotProcess, text: str, user: str = "U_ANA", name: str = "/recognize") -> Any:
    """Run a slash command and return its first reply (the ack body or the response_url post)."""
    seen = len(bot.slack.responses(user))
    response = bot.post_command(name, text, user)
    assert response.status_code == 200, response.text
    if response.content:  # answered in the ack: JSON, or plain text as Bolt sends a bare text
        is_json = response.headers.get("content-type", "").startswith("application/json")
        return response.json() if is_json else {"text": response.text}
    return next_reply(bot.slack, user, seen)


def press(bot: BotProcess, action_id: str, value: str, user: str = "U_ANA", **extra: Any) -> Any:
    """Click a button (or pick a select option) and return the reply it causes."""
    seen = len(bot.slack.responses(user))
    response = bot.post_action(action_id, value, user, **extra)
    assert response.status_code == 200, response.text
    return next_reply(bot.slack, user, seen)


def open_link(bot: BotProcess, user: str = "U_ANA") -> httpx.Response:
    """`/kudos link`, then follow the button through the platform back to the callback page."""
    prompt = command(bot, "link", user, name="/kudos")
    url = element(prompt["blocks"], "link_open")["url"]
    return httpx.get(url, follow_redirects=True)


def link(bot: BotProcess, user: str = "U_ANA") -> None:
    """Link, and wait for the Home tab refresh that follows the page (so nothing races it)."""
    published = len(bot.slack.calls("views.publish"))
    page = open_link(bot, user)
    assert page.status_code == 200, page.text
    wait_until(lambda: len(bot.slack.calls("views.publish")) > published)


def preview(bot: BotProcess, text: str, user: str = "U_ANA") -> Any:
    reply = command(bot, text, user)
    assert "Preview" in text_of(reply), reply
    return reply


def posted(slack: FakeSlack, count: int) -> list[dict[str, Any]]:
    """The bot's chat.postMessage calls, once there are at least `count` of them."""

    def enough() -> list[dict[str, Any]] | None:
        calls = slack.calls("chat.postMessage")
        return calls if len(calls) >= count else None

    return wait_until(enough)


def kudos_answer(bot: BotProcess, text: str, user: str = "U_ANA") -> Any:
    """A `/kudos` answer: the ack itself when the bot had it in time; else (after an empty ack,
    or a "Looking that up…" note Slack can't replace) the next message to the response_url."""
    seen = len(bot.slack.responses(user))
    return answer_after(bot, bot.post_command("/kudos", text, user), user, seen)


def answer_after(bot: BotProcess, response: httpx.Response, user: str, seen: int) -> Any:
    """The answer to a `/kudos` whose ack is `response` (see kudos_answer)."""
    assert response.status_code == 200, response.text
    is_json = response.headers.get("content-type", "").startswith("application/json")
    ack = response.json() if is_json else {"text": response.text}
    later = not ack["text"] or "Looking that up" in ack["text"]  # the answer is a new message
    return next_reply(bot.slack, user, seen) if later else ack
