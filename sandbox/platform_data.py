"""The simulated Achievers program's state: accounts, criteria, recognitions, codes and tokens."""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.people import BY_MEMBER_ID, DemoPerson

Json = dict[str, Any]
TOKEN_LIFETIME = 14 * 24 * 3600  # Achievers tokens last 14 days
CODE_LIFETIME = 60.0
CRITERIA = (
    (601, "Teamwork", "Working together towards a shared goal", 100),
    (602, "Innovation", "A new idea that made a difference", 150),
    (603, "Customer Focus", "Going the extra mile for a customer", 100),
    (604, "Above and Beyond", "Effort far past what anyone expected", 250),
)
MODULES = [
    {
        "id": 501,
        "name": "Recognition",
        "description": "Recognize a colleague",
        "moduleType": "FREE",
        "criteria": [
            {"id": i, "name": n, "description": d, "points": p} for i, n, d, p in CRITERIA
        ],
    }
]
SEEDS = (  # (nominator, nominees, criterion, days ago, text)
    ("1003", ("1001",), 601, 3, "Thanks for untangling the release checklist with me on Friday."),
    ("1004", ("1002",), 603, 2, "You stayed on the incident call until the customer was back."),
    ("1001", ("1003",), 602, 1, "The new onboarding flow cut sign-up time in half."),
)


@dataclass(frozen=True)
class Grant:
    """What an access token stands for: a member and a scope, until `expires_at` (epoch)."""

    member: str
    scope: str
    expires_at: float


@dataclass(frozen=True)
class Recognition:
    """One recognition on the newsfeed."""

    id: int
    nominator: str
    nominees: tuple[str, ...]
    text: str
    criterion: int
    created: str


def days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")


class Program:
    """One program. Every method runs on the event loop without awaiting, so each is atomic."""

    def __init__(self) -> None:
        self.tokens: dict[str, Grant] = {}
        self.codes: dict[str, tuple[str, str, float]] = {}
        self.recognitions: list[Recognition] = [
            Recognition(5001 + n, giver, to, text, criterion, days_ago(days))
            for n, (giver, to, criterion, days, text) in enumerate(SEEDS)
        ]

    def new_code(self, member: str, scope: str) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = (member, scope, time.time() + CODE_LIFETIME)
        return code

    def redeem(self, code: str) -> tuple[str, str] | None:
        """A code's member and scope, once, while it is fresh."""
        member, scope, until = self.codes.pop(code, ("", "", 0.0))
        return (member, scope) if until > time.time() else None

    def issue(self, member: str, scope: str) -> tuple[str, Grant]:
        token, grant = secrets.token_urlsafe(32), Grant(member, scope, time.time() + TOKEN_LIFETIME)
        self.tokens[token] = grant
        return token, grant

    def grant(self, token: str) -> Grant | None:
        grant = self.tokens.get(token)
        return grant if grant is not None and grant.expires_at > time.time() else None

    def send(self, nominator: str, fields: list[tuple[str, str]]) -> Recognition | str:
        """Record a recognition from the posted form; or why it is refused."""
        form = dict(fields)
        nominees = tuple(dict.fromkeys(value for name, value in fields if name == "nominees"))
        text, criterion = form.get("recognitionText", "").strip(), form.get("criterionId", "")
        if form.get("useUserIds") != "true":
            return "useUserIds must be true"
        if not nominees or any(n not in BY_MEMBER_ID for n in nominees):
            return "nominees must be existing user ids"
        if nominator in nominees:
            return "you cannot recognize yourself"
        if not text:
            return "recognitionText is required"
        if criterion not in {str(c[0]) for c in CRITERIA}:
            return "unknown criterionId"
        created = datetime.now(UTC).isoformat(timespec="seconds")
        number = 5001 + len(self.recognitions)
        recognition = Recognition(number, nominator, nominees, text, int(criterion), created)
        self.recognitions.append(recognition)
        return recognition

    def listed(self, member: str | None) -> list[Recognition]:
        """What `member` gave or received (everything when None), newest first."""
        found = [r for r in self.recognitions if member in (None, r.nominator, *r.nominees)]
        return list(reversed(found))

    def find(self, number: int) -> Recognition | None:
        return next((r for r in self.recognitions if r.id == number), None)


def search(q: str) -> list[DemoPerson]:
    """Members with this exact e-mail or a name containing `q` (case-insensitive)."""
    q = q.strip().casefold()
    return [
        person
        for person in BY_MEMBER_ID.values()
        if not q or person.email == q or q in f"{person.name} {person.handle}".casefold()
    ]


def member_json(person: DemoPerson, base: str) -> Json:
    """The Open API v5 user object."""
    return {
        "id": person.member_id,
        "firstName": person.first,
        "lastName": person.last,
        "username": f"{person.first}.{person.last}".lower(),
        "emailAddress": person.email,
        "dateCreated": days_ago(400),
        "profileImageUrl": f"{base}/avatars/{person.member_id}.svg",
        "links": {"self": {"href": f"{base}/api/v5/users/{person.member_id}"}},
    }


def criterion_name(criterion: int) -> str:
    return next((name for i, name, _, _ in CRITERIA if i == criterion), "")


def recognition_json(recognition: Recognition, base: str) -> Json:
    """A listed recognition, with the field names the bot's adapter reads."""
    name = {m: p.name for m, p in BY_MEMBER_ID.items()}
    return {
        "id": recognition.id,
        "recognitionText": recognition.text,
        "dateCreated": recognition.created,
        "nominator": {"id": recognition.nominator, "name": name[recognition.nominator]},
        "nominees": [{"id": n, "name": name[n]} for n in recognition.nominees],
        "criterion": {"id": recognition.criterion, "name": criterion_name(recognition.criterion)},
        "newsfeedEventURL": f"{base}/event/{recognition.id}",
    }


def page_of(items: list[Json], page: int, size: int, link: Callable[[int], str]) -> Json:
    """An Open API paged collection; `previous`/`next` absent where they do not apply."""
    last = max(1, math.ceil(len(items) / size))
    paging: Json = {"totalItems": len(items), "totalPages": last, "page": page, "pageSize": size}
    paging |= {"self": link(page), "first": link(1), "last": link(last)}
    if page > 1:
        paging["previous"] = link(min(page - 1, last))
    if page < last:
        paging["next"] = link(page + 1)
    return {"paging": paging, "items": items[(page - 1) * size : page * size]}
