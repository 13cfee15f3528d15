"""Reconciliation against every platform that can recognise (HTTP fakes, real Redis): it reads
back what the sender gave since the intent, and exactly the missing recipients are sent again."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest

from bot.intents import Draft, Intent, Recipient
from bot.models import Recognition, Value
from bot.platforms.registry import MODULES
from bot.recognition.delivery import Deliverer
from bot.recognition.reconcile import Reconciler, is_this
from tests.contract.cases import CASES, Case
from tests.contract.conftest import Wired, served, wired

__all__ = ["served", "wired"]  # the contract fixtures, on this module's platforms

RECOGNIZING = [
    c for c in CASES if any(m.SPEC.name == c.name and m.SPEC.can_recognize for m in MODULES)
]
RECIPIENTS = [str(n) for n in range(1101, 1111)]  # ten
LANDED, MISSING = RECIPIENTS[:6], RECIPIENTS[6:]
MESSAGE = "Thanks for the launch & the docs"
AS_STORED = "Thanks  for the launch &amp; the\ndocs"  # how a platform may keep the same text


@dataclass(frozen=True)
class Records:
    """Where a fake keeps a sent recognition's sender, recipients and text."""

    sender: str = "sender"
    recipients: str = "recipients"
    message: str = "message"


RECORDS = {"achievers": Records("nominator", "nominees", "text")}


@pytest.fixture(params=RECOGNIZING, ids=[c.name for c in RECOGNIZING])
def case(request: pytest.FixtureRequest) -> Case:
    chosen: Case = request.param
    return chosen


def add_people(fake: Any) -> None:
    add = getattr(fake, "add_member", None) or fake.add_person
    for person in RECIPIENTS:
        add(person, "Person", person, f"p{person}@example.com")


def intent_for(wired: Wired, value: Value, created: float) -> Intent:
    people = [Recipient(slack_id=f"U{p}", name=f"Person {p}", person_id=p) for p in RECIPIENTS]
    owner = wired.owner
    draft = Draft(
        id="d1",
        team_id=owner.team_id,
        user_id=owner.user_id,
        provider=owner.provider,
        channel_id="C1",
        recipients=people,
        message=MESSAGE,
        value=value,
    )
    return Intent(id="i1", draft=draft, attempts=1, created=created)


async def half_landed(wired: Wired) -> Intent:
    """Ana's intent to ten people, six of whom already have it, among other recent activity:
    the same text before the intent, other text from Ana, the same text from Bob."""
    add_people(wired.fake)
    ana = (await wired.link()).access_token
    bob = (await wired.sign_in("1002")).access_token
    adapter = wired.platform.adapter
    value = (await adapter.list_values(ana))[0]
    wired.fake.clock_offset = -3600.0
    await adapter.send(ana, MISSING, MESSAGE, value)  # an hour ago: another intent
    wired.fake.clock_offset = 0.0
    intent = intent_for(wired, value, time.time())
    await adapter.send(ana, LANDED, AS_STORED, value)  # the attempt that crashed after its POST
    for person in MISSING:  # so what landed is pages deep, on every platform
        await adapter.send(ana, [person], "Something else entirely", value)
    await adapter.send(bob, MISSING, MESSAGE, value)
    wired.fake.page_cap = 2  # the read-back has to walk the platform's pages
    return intent


def sent_by_ana(wired: Wired, since: str) -> dict[str, int]:
    """How many recognitions with the intent's text each person got from Ana since `since`."""
    keys = RECORDS.get(wired.case.name, Records())
    counts = dict.fromkeys(RECIPIENTS, 0)
    for record in wired.fake.recognitions:
        ours = record[keys.sender] == "1001" and record[keys.message] in (MESSAGE, AS_STORED)
        if ours and record["created"] >= since:
            for person in record[keys.recipients]:
                counts[person] += 1
    return counts


async def test_landed_reports_exactly_the_missing_recipients(wired: Wired) -> None:
    intent = await half_landed(wired)
    sent, missing = await Reconciler(wired.registry, wired.tokens).landed(intent, RECIPIENTS)
    assert missing == MISSING
    assert sent is not None and sent.id in {str(r["id"]) for r in wired.fake.recognitions}


async def test_the_attempt_after_a_crash_sends_only_to_the_missing(wired: Wired) -> None:
    intent = await half_landed(wired)
    window = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(intent.created - 1))
    saved: list[Intent] = []

    async def save(updated: Intent) -> None:
        saved.append(updated)

    done = await Deliverer(wired.registry, wired.tokens).attempt(intent, save)
    assert done.status == "done" and saved[-1].attempts == 2
    assert sent_by_ana(wired, window) == dict.fromkeys(RECIPIENTS, 1)


DRAFT = Draft(
    id="d", team_id="T", user_id="U", provider="p", channel_id="C", recipients=[], message=MESSAGE
)
NOW = 1_700_000_000.0
AT = "2023-11-14T22:13:20Z"  # NOW
ISSUES: dict[str, tuple[dict[str, Any], bool]] = {
    "same, respaced and escaped": ({"message": AS_STORED}, True),
    "undated": ({"created": None}, False),
    "unreadable date": ({"created": "yesterday"}, False),
    "before the window": ({"created": "2023-11-14T21:00:00+00:00"}, False),
    "naive time, in the window": ({"created": "2023-11-14T22:13:00"}, True),
    "from someone else": ({"giver_id": "2"}, False),
    "other text": ({"message": "Thanks for the launch"}, False),
}


@pytest.mark.parametrize("issue", ISSUES)
def test_what_counts_as_this_intent(issue: str) -> None:
    change, expected = ISSUES[issue]
    item = Recognition(id="r", giver_id="1", message=MESSAGE, created=AT).model_copy(update=change)
    intent = Intent(id="i", draft=DRAFT, created=NOW)
    assert is_this(item, intent, "1") is expected
