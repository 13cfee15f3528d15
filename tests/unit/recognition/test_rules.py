"""The rules of a recognition (bot/recognition/rules.py), as data: what each check refuses, with
which reason, on which field, in which words; and what it lets through."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, get_args

import httpx
import pytest

from bot.errors import MESSAGE, RECIPIENTS, VALUE, InvalidInput
from bot.models import Value
from bot.platforms.providers import achievers
from bot.platforms.registry import build_registry
from bot.recognition import rules
from bot.recognition.rules import MAX_MESSAGE, MAX_RECIPIENTS, WORDS, Reason, RuleBroken
from bot.settings import Settings
from handlers.words import said

REQUIRED = achievers.SPEC  # a criterion for every recognition
OPTIONAL = replace(REQUIRED, value_required=False)
VALUES = [Value(id="v1", name="Teamwork"), Value(id="v2", name="Customer Focus")]
MANY = [f"U{n:03d}" for n in range(MAX_RECIPIENTS + 1)]
ENABLE = {  # each platform's settings, enough to enable it
    "achievers": {
        "base_url": "https://acme.achievers.com/",
        "client_id": "a",
        "client_secret": "x",
    },
    "cultureamp": {"client_id": "c", "client_secret": "x", "entity_id": "ent-1"},
}


def registry(*names: str) -> Any:
    platforms = {name: ENABLE[name] for name in names}
    settings = Settings.model_validate({"slack_signing_secret": "s", **platforms})
    return build_registry(settings, httpx.AsyncClient())


Check = Callable[[], object]
REFUSED: list[tuple[Check, Reason, str | None, str]] = [
    (lambda: rules.check_recipients([]), "no_recipients", RECIPIENTS, "Pick at least one teammate"),
    (lambda: rules.check_recipients(["U1", "U_ANA"], "U_ANA"), "self", RECIPIENTS, "yourself"),
    (lambda: rules.check_recipients(MANY), "too_many_recipients", RECIPIENTS, "up to 10 people"),
    (lambda: rules.check_recipients(MANY, "U_ANA"), "too_many_recipients", RECIPIENTS, "up to"),
    (lambda: rules.check_message(""), "no_message", MESSAGE, "Add a few words"),
    (lambda: rules.check_message("x" * 2001), "message_too_long", MESSAGE, "under 2000"),
    (lambda: rules.check_value(REQUIRED, None), "value_required", VALUE, "Pick a criterion"),
    (lambda: rules.offered("gone", VALUES), "value_gone", VALUE, "isn't offered any more"),
    (lambda: rules.offered("v1", []), "value_gone", VALUE, "Pick another one"),
    (
        lambda: rules.check_platform(registry("cultureamp"), "cultureamp"),
        "no_recognitions",
        None,
        "Culture Amp's API offers no recognitions, so I can't send one there.",
    ),
    (
        lambda: rules.check_platform(registry("achievers", "cultureamp"), "cultureamp"),
        "recognitions_elsewhere",
        None,
        "go to Achievers: ask your Slack admin",
    ),
]


@pytest.mark.parametrize(("check", "reason", "field", "says"), REFUSED)
def test_a_broken_rule_names_its_reason_field_and_words(
    check: Check, reason: Reason, field: str | None, says: str
) -> None:
    with pytest.raises(RuleBroken) as raised:
        check()
    broken = raised.value
    assert (broken.rule, broken.field) == (reason, field)
    assert says in said(broken)
    assert isinstance(broken, InvalidInput)  # every surface already words invalid input


ACCEPTED: list[Check] = [
    lambda: rules.check_recipients(["U1"], "U_ANA"),
    lambda: rules.check_recipients(MANY[:MAX_RECIPIENTS], "U_ANA"),
    lambda: rules.check_recipients(["U_ANA"]),  # the giver unknown (the text's own check)
    lambda: rules.check_message("ok"),
    lambda: rules.check_message("x" * MAX_MESSAGE),
    lambda: rules.check_message("merci 🎉"),
    lambda: rules.check_value(REQUIRED, VALUES[0]),
    lambda: rules.check_value(REQUIRED, "v1"),
    lambda: rules.check_value(OPTIONAL, None),
    lambda: rules.check_platform(registry("achievers"), "achievers"),
]


@pytest.mark.parametrize("check", ACCEPTED)
def test_what_keeps_the_rules_passes(check: Check) -> None:
    check()  # raising would fail the test


def test_offered_finds_the_value_by_id() -> None:
    assert rules.offered("v2", VALUES) == VALUES[1]


def test_a_platform_that_recognizes_has_no_refusal() -> None:
    assert rules.platform_refusal(registry("achievers", "cultureamp"), "achievers") is None


def test_every_reason_has_one_wording_that_its_data_fills() -> None:
    assert set(WORDS) == set(get_args(Reason))
    data: dict[str, str | int] = {
        "most": 10,
        "name": "Bob",
        "platform": "Achievers",
        "label": "badge",
        "elsewhere": "X",
    }
    for reason in get_args(Reason):
        words = said(RuleBroken(reason, **data))
        assert "{" not in words and words.endswith("."), reason
