"""The value menu (handlers/value_select.py): static up to Slack's 100 options, type-ahead beyond,
and the options a type-ahead is answered with."""

from __future__ import annotations

from typing import Any

import pytest

from bot.intents import Draft
from bot.models import Value
from bot.platforms.providers.achievers import SPEC
from handlers import blocks, kit
from handlers.value_select import suggestions, value_select
from testkit.fakes.slack_limits import blocks_problem

BADGES = [Value(id=str(n), name=f"Badge {n:03d}") for n in range(1, 251)]


def preview_picker(choices: list[Value]) -> dict[str, Any]:
    draft = Draft(
        id="d-1", team_id="T1", user_id="U1", provider="achievers", channel_id="C1",
        recipients=[], message="thanks", value=None, choices=choices,
    )  # fmt: skip
    shown = blocks.preview(draft, SPEC)
    assert blocks_problem(shown) is None
    (actions,) = [b for b in shown if b.get("block_id") == "draft:d-1"]
    (picker,) = [e for e in actions["elements"] if e["action_id"] == kit.CHOOSE_VALUE]
    assert isinstance(picker, dict)
    return picker


@pytest.mark.parametrize("count", [1, 100])
def test_up_to_100_values_are_a_static_menu_with_every_value(count: int) -> None:
    picker = preview_picker(BADGES[:count])
    assert picker["type"] == "static_select"
    assert [option["value"] for option in picker["options"]] == [v.id for v in BADGES[:count]]


def test_more_than_100_values_are_a_type_ahead_menu() -> None:
    picker = preview_picker(BADGES[:101])
    assert picker["type"] == "external_select" and "options" not in picker
    assert picker["min_query_length"] == 0
    assert picker["placeholder"]["text"] == "Type to find a criterion (101 in all)"


def test_values_whose_id_no_option_can_carry_do_not_count() -> None:
    too_long = [Value(id="x" * 151, name=f"Long {n}") for n in range(5)]
    assert value_select("a", [*BADGES[:100], *too_long], "badge")["type"] == "static_select"


def test_suggestions_match_what_was_typed_as_tags_are_read() -> None:
    shown = suggestions([*BADGES, Value(id="cf", name="Customer-Focus")], "customer foc")
    assert [option["value"] for option in shown] == ["cf"]
    assert [o["value"] for o in suggestions(BADGES, "BADGE 24")] == [
        str(n) for n in range(240, 250)
    ]


def test_names_that_start_with_the_text_come_first() -> None:
    values = [Value(id="1", name="Great teamwork"), Value(id="2", name="Teamwork")]
    assert [option["value"] for option in suggestions(values, "team")] == ["2", "1"]


def test_at_most_100_suggestions_each_within_slacks_limits() -> None:
    long_named = [Value(id=str(n), name=f"{n} " + "L" * 200) for n in range(150)]
    shown = suggestions(long_named, "")
    assert len(shown) == 100
    assert all(len(option["text"]["text"]) <= 75 for option in shown)


def test_nothing_matches_nothing_is_suggested() -> None:
    assert suggestions(BADGES, "zebra") == []
