"""The pure parts of bot/recognition/drafts.py: value matching and the final message."""

from __future__ import annotations

import pytest

from bot.models import Value
from bot.recognition.drafts import final_message, pick_value, squash

VALUES = [
    Value(id="1", name="Teamwork"),
    Value(id="2", name="Customer Focus"),
    Value(id="3", name="Above & Beyond"),
]


@pytest.mark.parametrize(
    ("name", "squashed"),
    [
        ("Teamwork", "teamwork"),
        ("Team Work!", "teamwork"),
        ("team_work", "teamwork"),
        ("team-work", "teamwork"),
        ("Above & Beyond", "abovebeyond"),
        ("Équipe", "équipe"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_squash(name: str, squashed: str) -> None:
    assert squash(name) == squashed


@pytest.mark.parametrize(
    ("hashtags", "value_id", "used"),
    [
        (["teamwork"], "1", "teamwork"),
        (["TeamWork"], "1", "TeamWork"),
        (["customer-focus"], "2", "customer-focus"),
        (["customer_focus"], "2", "customer_focus"),
        (["aboveBeyond"], "3", "aboveBeyond"),
        (["nope", "teamwork"], "1", "teamwork"),
        (["teamwork", "customerfocus"], "1", "teamwork"),
        (["nope"], None, None),
        (["team"], None, None),
        ([], None, None),
    ],
)
def test_pick_value(hashtags: list[str], value_id: str | None, used: str | None) -> None:
    value, tag = pick_value(hashtags, VALUES)
    assert (value.id if value else None, tag) == (value_id, used)


def test_pick_value_without_values() -> None:
    assert pick_value(["teamwork"], []) == (None, None)


NAMES = {"U1": "Ana Lopez", "U2": "Bob Stone"}


@pytest.mark.parametrize(
    ("template", "used", "expected"),
    [
        ("thanks <@U1> for pairing", None, "thanks Ana Lopez for pairing"),
        ("<@U1> and <@U2> rock", None, "Ana Lopez and Bob Stone rock"),
        ("thanks <@U9> too", None, "thanks someone too"),
        ("smooth release #teamwork", "teamwork", "smooth release"),
        ("#teamwork smooth release", "teamwork", "smooth release"),
        ("great #teamwork work", "teamwork", "great work"),
        ("great #TeamWork work", "TeamWork", "great work"),
        ("#teamwork and #teamworkers", "teamwork", "and #teamworkers"),
        ("#a then #a", "a", "then #a"),
        ("great #teamwork", None, "great #teamwork"),
        ("for the #team-work #grit", "team-work", "for the #grit"),
        (": nice work -", None, "nice work"),
        ("line one\nline  two", None, "line one\nline two"),
    ],
)
def test_final_message(template: str, used: str | None, expected: str) -> None:
    assert final_message(template, NAMES, used) == expected
