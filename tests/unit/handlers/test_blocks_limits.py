"""Every builder stays within Slack's Block Kit limits, whatever the platform or user sends:
hostile text (it grows fivefold when escaped), long names, many values and recipients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.intents import Draft, Failure, Intent, Recipient
from bot.models import Link, Person, Recognition, Sent, TokenSet, Value
from bot.platforms.paging import NextPage
from bot.platforms.providers import achievers, sevengeese
from bot.platforms.spec import RecentPage
from handlers import blocks, errors, home_blocks, kit, lookup_blocks
from handlers import modal_blocks as mb
from handlers.home_blocks import PlatformRow, Received
from testkit.fakes.slack_limits import blocks_problem, view_problem
from tests.unit.handlers import test_blocks

Blocks = list[dict[str, Any]]
HOSTILE = "&<>\n" * 700  # 2,800 characters; 9,800 once escaped
LONG = "Ñame-" + "x" * 400 + " <!channel> & co"
SPEC, GEESE = achievers.SPEC, sevengeese.SPEC
URL = "https://example.achievers.com/event/9?a=1&b=2"
VALUES = [
    Value(id=f"v{n}", name=f"Criterion {n} {'w' * 60}", description="d&<" * 40, points=n)
    for n in range(30)
]
PERSON = Person(
    id="1",
    name=LONG,
    email=f"{'e' * 300}@example.com",
    title=LONG,
    department=HOSTILE,
    profile_url=URL,
    image_url="https://img.example/a.png",
)


def draft(**changes: Any) -> Draft:
    """The ordinary test draft (tests/unit/handlers/test_blocks.py), at every limit."""
    recipients = [Recipient(slack_id=f"U{n:03}", name=LONG, person_id=str(n)) for n in range(40)]
    hostile: dict[str, Any] = {
        "recipients": recipients,
        "message": HOSTILE,
        "value": Value(id="v1", name=LONG),
        "choices": VALUES * 5,
        "unknown_value": LONG,
    }
    return test_blocks.draft(**(hostile | changes))


def intent(**changes: Any) -> Intent:
    return Intent(
        id="i1", draft=draft(), reason=Failure(code="said", facts={"said": HOSTILE}), **changes
    )


def item(n: int) -> Recognition:
    return Recognition(
        id=str(n),
        giver=LONG,
        recipients=[LONG] * 40,
        recipient_ids=["1"],
        message=HOSTILE,
        value=LONG,
        created="2026-11-20T10:00:00Z",
        url=URL,
    )


PAGE = RecentPage([item(n) for n in range(60)], NextPage("/p", {"page": "2"}), None)
LINK = Link(account=PERSON, token=TokenSet(access_token="t"), confirmed=False)
MESSAGES: dict[str, Callable[[], Blocks]] = {
    "preview": lambda: blocks.preview(draft(), SPEC),
    "preview_picker": lambda: blocks.preview(draft(value=None), SPEC),
    "confirmation": lambda: blocks.confirmation(draft(), Sent(url=URL), SPEC),
    "announcement": lambda: blocks.announcement(draft(), Sent(url=URL), SPEC),
    "recipient_dm": lambda: blocks.recipient_dm(draft(), Sent(url=URL), SPEC),
    "queued": lambda: blocks.queued(intent(), SPEC, 0.0),
    "failed": lambda: blocks.delivery_failed(intent(), SPEC),
    "needs_link": lambda: blocks.delivery_needs_link(intent(), SPEC, URL),
    "link_prompt": lambda: blocks.link_prompt(URL, SPEC, HOSTILE),
    "confirm_account": lambda: blocks.confirm_account(GEESE, PERSON)[1],
    "person_card": lambda: lookup_blocks.person_card(SPEC, PERSON),
    "recent": lambda: lookup_blocks.recent(SPEC, PERSON, PAGE, None),
    "values": lambda: lookup_blocks.values(SPEC, VALUES),
    "many_values": lambda: lookup_blocks.values(SPEC, VALUES * 40),
}
VIEWS: dict[str, Callable[[], dict[str, Any]]] = {
    "home": lambda: home_blocks.home_view(
        [PlatformRow(SPEC, LINK), PlatformRow(GEESE, None, URL)],
        Received(LONG, [item(n) for n in range(5)]),
        HOSTILE,
    ),
    "home_problem": lambda: home_blocks.home_view([], Received(LONG, problem=HOSTILE)),
    "plain_home": home_blocks.plain_view,
    "form": lambda: mb.form_view(SPEC, mb.Origin("achievers", "C1"), values=VALUES * 10),
    "form_notice": lambda: mb.form_view(SPEC, mb.Origin("achievers"), notice=HOSTILE),
    "notice_view": lambda: mb.notice_view(HOSTILE, mb.Origin("achievers")),
    "link_view": lambda: mb.link_view(URL, SPEC, HOSTILE, mb.Origin("achievers")),
    "error_notice": lambda: errors.notice(HOSTILE),
}


@pytest.mark.parametrize("build", MESSAGES.values(), ids=MESSAGES.keys())
def test_messages_stay_within_slacks_limits(build: Callable[[], Blocks]) -> None:
    built = kit.message(HOSTILE + LONG * 10, build())
    assert blocks_problem(built["blocks"]) is None
    assert len(built["text"]) <= kit.MESSAGE_TEXT


@pytest.mark.parametrize("build", VIEWS.values(), ids=VIEWS.keys())
def test_views_stay_within_slacks_limits(build: Callable[[], dict[str, Any]]) -> None:
    assert view_problem(build()) is None


def test_every_value_is_listed_over_several_sections() -> None:
    built = lookup_blocks.values(SPEC, VALUES)
    listed = "\n".join(b["text"]["text"] for b in built if b["type"] == "section")
    assert len(listed) > 3000 and [b["type"] for b in built].count("section") > 1
    assert all(f"*Criterion {n} " in listed for n in range(30))


def test_a_quoted_message_is_cut_whole_and_says_so() -> None:
    [text] = [b["text"]["text"] for b in blocks.preview(draft(), SPEC) if ">&amp;" in str(b)]
    assert text.endswith("…") and len(text) <= 3000
    assert text[:-1].rstrip().endswith(("&amp;", "&lt;", "&gt;", ">"))
