"""Lookup Block Kit: recent pages with cursors, values, person cards."""

from __future__ import annotations

import json

import pytest

from bot.errors import InvalidInput
from bot.models import Person, Recognition, Value
from bot.platforms.paging import NextPage
from bot.platforms.providers.achievers import SPEC
from bot.platforms.spec import RecentPage
from handlers import kit, lookup_blocks

ANA = Person(id="1001", name="Ana <Lopez>", email="ana@example.com")
ITEM = Recognition(
    id="1",
    giver="Bob",
    recipients=["Ana"],
    message="<!channel> thanks",
    value="Teamwork",
    created="2026-11-20T10:00:00Z",
    url="https://x/1",
)


def actions(blocks: list[dict[str, object]]) -> dict[str, str]:
    found = [b for b in blocks if b.get("type") == "actions"]
    return {e["action_id"]: e["value"] for b in found for e in b["elements"]}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("older", "newer", "buttons"),
    [
        (NextPage("/api/v5/recognitions?page=2", None), None, {kit.OLDER}),
        (None, NextPage(None, {"page": "1"}), {kit.NEWER}),
        (NextPage(None, {"page": "3"}), NextPage(None, {"page": "1"}), {kit.OLDER, kit.NEWER}),
        (None, None, set()),
    ],
)
def test_recent_offers_only_the_pages_that_exist(
    older: NextPage | None, newer: NextPage | None, buttons: set[str]
) -> None:
    built = lookup_blocks.recent(SPEC, ANA, RecentPage([ITEM], older, newer), "U_BOB")
    assert set(actions(built)) == buttons
    for value in actions(built).values():
        provider, subject, page = lookup_blocks.decode_cursor(value)
        assert (provider, subject) == ("achievers", "U_BOB")
        assert page in (older, newer)


def test_recent_escapes_what_people_wrote() -> None:
    text = json.dumps(lookup_blocks.recent(SPEC, ANA, RecentPage([ITEM]), None))
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "Ana &lt;Lopez&gt;" in text and "2026-11-20" in text


def test_an_empty_page_says_so() -> None:
    text = json.dumps(lookup_blocks.recent(SPEC, ANA, RecentPage([]), None))
    assert "Nothing here yet" in text


@pytest.mark.parametrize("value", ["", "not json", "[]", '{"path": "/x"}', '{"p": "a", "q": 3}'])
def test_malformed_cursors_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput):
        lookup_blocks.decode_cursor(value)


def test_a_cursor_too_long_for_a_button_is_dropped() -> None:
    huge = NextPage(None, {"cursor": "x" * 3000})
    assert lookup_blocks.encode_cursor("cultureamp", None, huge) is None


def test_values_list_points_and_a_tag_hint() -> None:
    choices = [Value(id="1", name="Customer Focus", points=50, description="Delight <them>")]
    text = json.dumps(lookup_blocks.values(SPEC, choices))
    assert "Customer Focus" in text and "50 points" in text and "&lt;them&gt;" in text
    assert "#customerFocus" in text
    assert "offers no criteria" in json.dumps(lookup_blocks.values(SPEC, []))
