"""The demo people, the same on the simulated Slack and the simulated platform (same e-mails)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any, Protocol

Json = dict[str, Any]


class Member(Protocol):
    """Someone with a platform account, as a platform's JSON shows them (the simulations' demo
    people and the tests' fakes' people alike)."""

    @property
    def id(self) -> str: ...
    @property
    def first(self) -> str: ...
    @property
    def last(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def department(self) -> str | None: ...


@dataclass(frozen=True)
class DemoPerson:
    """One colleague: a Slack account and (unless `on_platform` is off) a platform account."""

    slack_id: str
    handle: str
    first: str
    last: str
    title: str
    color: str
    member_id: str
    on_platform: bool = True

    @property
    def id(self) -> str:
        return self.member_id

    @property
    def department(self) -> str | None:
        return None

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def email(self) -> str:
        return f"{self.handle}@example.com"

    @property
    def initials(self) -> str:
        return f"{self.first[:1]}{self.last[:1]}"


PEOPLE = (
    DemoPerson("U0ANA", "ana", "Ana", "Lopez", "Engineering Manager", "#e8912d", "1001"),
    DemoPerson("U0BOB", "bob", "Bob", "Stone", "Site Reliability Engineer", "#2bac76", "1002"),
    DemoPerson("U0CARL", "carl", "Carl", "Diaz", "Product Designer", "#1264a3", "1003"),
    DemoPerson("U0DANA", "dana", "Dana", "Kim", "Customer Success Lead", "#cd2553", "1004"),
    DemoPerson(
        "U0FINN",
        "finn",
        "Finn",
        "Novak",
        "New hire (not on the platform yet)",
        "#6b5b95",
        "",
        on_platform=False,
    ),
)
BY_SLACK_ID = {person.slack_id: person for person in PEOPLE}
BY_MEMBER_ID = {person.member_id: person for person in PEOPLE if person.on_platform}
BY_HANDLE = {person.handle: person for person in PEOPLE}


def avatar_svg(initials: str, color: str) -> str:
    """A round avatar with initials, as an SVG document."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="72" height="72" viewBox="0 0 72 72">'
        f'<rect width="72" height="72" rx="12" fill="{escape(color)}"/>'
        '<text x="36" y="46" font-family="Helvetica,Arial,sans-serif" font-size="28" '
        f'font-weight="700" fill="#fff" text-anchor="middle">{escape(initials)}</text></svg>'
    )
