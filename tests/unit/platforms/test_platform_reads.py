"""What the adapters read back from each platform's fake (real HTTP, real Redis): person cards,
recent recognitions with names and values, headers every call carries, people who left."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from bot.models import Person
from bot.recognition.directory import Directory
from handlers.lookup_blocks import person_card
from tests.contract.cases import CASES, Case
from tests.contract.conftest import Wired, case, served, wired

__all__ = ["case", "served", "wired"]  # the contract fixtures


def only(*names: str) -> pytest.MarkDecorator:
    chosen = [c for c in CASES if c.name in names]
    return pytest.mark.parametrize("case", chosen, ids=[c.name for c in chosen], indirect=True)


async def echo(token: str) -> str:
    return token


async def token_of(wired: Wired) -> str:
    """Ana's token, or the app's where the platform has no personal links."""
    if wired.case.per_user:
        return (await wired.link()).access_token
    return await wired.tokens.run(wired.owner, echo)


@dataclass(frozen=True)
class Card:
    """What a platform's person card shows beyond name and e-mail."""

    shows: tuple[str, ...]  # title and department, where the platform has them
    picture: bool


CARDS = {
    "achievers": Card((), True),  # the user object has no title
    "sevengeese": Card(("Staff Engineer",), True),  # position; no department
    "kazoo": Card(("Staff Engineer", "Platform"), True),
    "cultureamp": Card((), False),  # employees: id, email, name only
}


def add_dora(fake: Any) -> None:
    """Dora, with a title and department on the platforms whose people have them."""
    add_member = getattr(fake, "add_member", None)
    if add_member is not None:
        add_member("1004", "Dora", "Diaz", "dora@example.com")
        return
    fake.add_person(
        "1004", "Dora", "Diaz", "dora@example.com", title="Staff Engineer", department="Platform"
    )


async def test_whois_card_shows_what_the_platform_has(wired: Wired, case: Case) -> None:
    add_dora(wired.fake)
    token = await token_of(wired)
    person = await wired.platform.adapter.find_by_email(token, "DORA@example.com")
    assert isinstance(person, Person)
    block, _ = person_card(wired.platform.spec, person)
    expected = CARDS[case.name]
    assert "*Dora Diaz*" in block["text"]["text"] and "dora@example.com" in block["text"]["text"]
    for shown in expected.shows:
        assert shown in block["text"]["text"]
    assert ("accessory" in block) is expected.picture


@only("kazoo")
async def test_recent_on_youearnedit_names_giver_recipients_and_value(wired: Wired) -> None:
    ana = (await wired.link()).access_token
    adapter = wired.platform.adapter
    teamwork = (await adapter.list_values(ana))[1]
    await adapter.send(ana, ["1002", "1003"], "Thanks for the review", teamwork)
    page = await adapter.recent(ana, "1001", None)
    [item] = page.items
    assert (item.giver, item.recipients, item.value) == (
        "Ana Lopez",
        ["Bob Stone", "Carl Diaz"],
        "Teamwork",
    )
    assert item.url and item.url.endswith(f"/recognitions/{item.id}")
    api_calls = [r for r in wired.fake.requests if r.path.startswith("/api/")]
    assert api_calls and {r.content_type for r in api_calls} == {"application/json"}


@only("sevengeese")
async def test_recent_on_7geese_given_and_received_with_badge_names(wired: Wired) -> None:
    ana = (await wired.link()).access_token
    bob = (await wired.sign_in("1002")).access_token
    carl = (await wired.sign_in("1003")).access_token
    adapter = wired.platform.adapter
    badges = {v.name: v for v in await adapter.list_values(ana)}
    await adapter.send(ana, ["1002"], "Given by Ana", badges["Teamwork"])
    await adapter.send(carl, ["1001"], "Received by Ana", badges["Customer Love"])
    await adapter.send(bob, ["1003"], "Between others", None)
    page = await adapter.recent(ana, "1001", None)
    shown = [(r.message, r.giver, r.recipients, r.value) for r in page.items]
    assert shown == [
        ("Received by Ana", "Carl Diaz", ["Ana Lopez"], "Customer Love"),
        ("Given by Ana", "Ana Lopez", ["Bob Stone"], "Teamwork"),
    ]
    assert page.items[0].url == f"{wired.fake.base_url}/recognition/{page.items[0].id}/"


@only("sevengeese")
async def test_7geese_badges_beyond_the_first_hundred(wired: Wired) -> None:
    wired.fake.badges += [(1000 + n, f"Badge {n}", True) for n in range(200)]
    values = await wired.platform.adapter.list_values((await wired.link()).access_token)
    assert len(values) == 203 and values[-1].name == "Badge 199"  # every active one


@only("cultureamp")
async def test_the_directory_skips_people_who_have_left(wired: Wired) -> None:
    wired.fake.add_person("gone", "Gus", "Gone", "gus@example.com", left_on="2020-06-30")
    wired.fake.add_person("leaving", "Lea", "Leaving", "lea@example.com", left_on="2999-01-31")
    directory = Directory(wired.store, wired.registry, wired.tokens)
    assert await directory.rebuild("cultureamp") == 253 + 1
    _, gone = await wired.store.directories.get("cultureamp", "gus@example.com")
    _, leaving = await wired.store.directories.get("cultureamp", "lea@example.com")
    assert gone is None and leaving is not None and leaving.name == "Lea Leaving"
