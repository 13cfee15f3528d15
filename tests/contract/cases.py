"""One record per platform: how to build its fake and what to expect of it (data, not code)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from testkit.fakes import FakeAchievers, FakeCultureAmp, FakeKazoo, FakeSevenGeese

CLIENT_ID = "kudos-bridge"
# RFC 6749 §2.3.1 form-encodes the secret before HTTP Basic: "+", "/", "%" and "=" all change.
CLIENT_SECRET = "Kudos+Bridge/s3cret%21=="
PEOPLE = [
    ("1001", "Ana", "Lopez", "ana@example.com"),
    ("1002", "Bob", "Stone", "bob@example.com"),
    ("1003", "Carl", "Diaz", "carl@example.com"),
]


@dataclass(frozen=True)
class Case:
    """A platform under contract test."""

    name: str
    make: Callable[[], Any]
    extra_settings: dict[str, str] = field(default_factory=dict)
    per_user: bool = True
    rotates: bool = False  # refresh grant with a new refresh token each time
    listing: tuple[str, dict[str, str]] = ("", {})  # a paged GET and its small-page params
    listed: int = 3  # how many items that GET has in all (after `sent` recognitions)
    sent: int = 0  # recognitions to send first, so the listing has pages


def _achievers() -> FakeAchievers:
    fake = FakeAchievers(CLIENT_ID, CLIENT_SECRET)
    for person in PEOPLE:
        fake.add_member(*person)
    return fake


def _people(fake: Any) -> Any:
    for person in PEOPLE:
        fake.add_person(*person)
    return fake


def _cultureamp() -> FakeCultureAmp:
    fake = FakeCultureAmp(CLIENT_ID, CLIENT_SECRET, "ent-1")
    fake.add_employees(250)
    _people(fake)
    return fake


CASES = [
    Case("achievers", _achievers, listing=("/api/v5/users", {"pageSize": "2"})),
    Case(
        "sevengeese",
        lambda: _people(FakeSevenGeese(CLIENT_ID, CLIENT_SECRET)),
        rotates=True,
        listing=("/api/v/2.0/recognitions/", {"limit": "2"}),
        sent=3,
    ),
    Case(
        "kazoo",
        lambda: _people(FakeKazoo(CLIENT_ID, CLIENT_SECRET)),
        rotates=True,
        listing=("/api/v3/users", {"page_size": "2"}),
    ),
    Case(
        "cultureamp",
        _cultureamp,
        {"entity_id": "ent-1"},
        per_user=False,
        listing=("/v1/employees", {}),
        listed=253,
    ),
]
PER_USER = [case for case in CASES if case.per_user]
ROTATING = [case for case in CASES if case.rotates]
NO_REFRESH = [case for case in PER_USER if not case.rotates]
APP_LEVEL = [case for case in CASES if not case.per_user]
