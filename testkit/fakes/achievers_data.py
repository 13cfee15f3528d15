"""The fake Achievers program's state: members, recognitions, tokens, and their JSON."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Json = dict[str, Any]
TOKEN_LIFETIME = 14 * 24 * 3600
REISSUE_WINDOW = 2 * 3600
CRITERIA = [
    (601, "Teamwork", "Working together towards a shared goal"),
    (602, "Innovation", "A new idea that made a difference"),
    (603, "Customer Focus", "Going the extra mile for a customer"),
]
MODULES = [
    {
        "id": 501,
        "name": "Recognition",
        "description": "Recognize a colleague",
        "moduleType": "FREE",
        "criteria": [{"id": i, "name": n, "description": d} for i, n, d in CRITERIA],
    }
]


@dataclass(frozen=True)
class Member:
    """A program member."""

    id: str
    first: str
    last: str
    email: str
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def to_json(self, base: str) -> Json:
        """The Open API user object."""
        return {
            "id": self.id,
            "firstName": self.first,
            "lastName": self.last,
            "username": f"{self.first}.{self.last}".lower(),
            "emailAddress": self.email,
            "dateCreated": self.created,
            "profileImageUrl": f"{base}/images/profile/{self.id}.png",
            "links": {"self": {"href": f"{base}/api/v5/users/{self.id}"}},
        }


@dataclass(frozen=True)
class Grant:
    """What an access token stands for: a member (None for client credentials) and a scope."""

    member: str | None
    scope: str
    expires_at: float


class Program:
    """One program's members, recognitions and tokens (not thread-safe: callers hold a lock)."""

    def __init__(self) -> None:
        self.members: dict[str, Member] = {}
        self.recognitions: list[Json] = []
        self.tokens: dict[str, Grant] = {}
        self.clock_offset = 0.0  # seconds added to the time recognitions are dated

    def issue(
        self, member: str | None, scope: str, lifetime: float = TOKEN_LIFETIME
    ) -> tuple[str, Grant]:
        """Reissue a live token for the same grant (as Achievers does) or mint a new one."""
        now = time.time()
        for token, grant in self.tokens.items():
            live = grant.expires_at - now > REISSUE_WINDOW
            if live and (grant.member, grant.scope) == (member, scope):
                return token, grant
        token, grant = secrets.token_urlsafe(32), Grant(member, scope, now + lifetime)
        self.tokens[token] = grant
        return token, grant

    def search(self, q: str) -> list[Member]:
        """Members with this exact email or a name containing `q` (case-insensitive)."""
        q = q.strip().lower()
        return [m for m in self.members.values() if _matches(m, q)]

    def listed(self, user_id: str | None, base: str) -> list[Json]:
        """API views of the recognitions `user_id` sent or received (all if None), newest first."""
        found = [r for r in self.recognitions if user_id in (None, r["nominator"], *r["nominees"])]
        return [self.view(r, base) for r in reversed(found)]

    def send(self, nominator: str, fields: list[tuple[str, str]], base: str) -> Json | str:
        """Store a recognition from the posted form; its API view, or why it is invalid."""
        form = dict(fields)
        nominees = [value for name, value in fields if name == "nominees"]
        text, criterion = form.get("recognitionText", ""), form.get("criterionId", "")
        problem = self.invalid(nominator, nominees, text, criterion, form.get("useUserIds"))
        if problem:
            return problem
        record: Json = {"id": 5001 + len(self.recognitions), "nominator": nominator}
        record |= {"nominees": nominees, "text": text, "criterionId": int(criterion)}
        created = datetime.now(UTC) + timedelta(seconds=self.clock_offset)
        self.recognitions.append(record | {"created": created.isoformat()})
        return self.view(self.recognitions[-1], base)

    def invalid(
        self, nominator: str, nominees: list[str], text: str, criterion: str, ids: object
    ) -> str:
        """Why a recognition request is invalid, or ""."""
        if ids != "true":
            return "useUserIds must be true"
        if not nominees or any(n not in self.members for n in nominees):
            return "nominees must be existing user ids"
        if nominator in nominees:
            return "you cannot recognize yourself"
        if not text.strip():
            return "recognitionText is required"
        if criterion not in {str(c[0]) for c in CRITERIA}:
            return "unknown criterionId"
        return ""

    def view(self, record: Json, base: str) -> Json:
        """The API view of a stored recognition (field names assumed)."""
        names = {i: f"{m.first} {m.last}" for i, m in self.members.items()}
        criterion = next(c for c in CRITERIA if c[0] == record["criterionId"])
        return {
            "id": record["id"],
            "recognitionText": record["text"],
            "dateCreated": record["created"],
            "nominator": {"id": record["nominator"], "name": names[record["nominator"]]},
            "nominees": [{"id": n, "name": names[n]} for n in record["nominees"]],
            "criterion": {"id": criterion[0], "name": criterion[1]},
            "newsfeedEventURL": f"{base}/event/{record['id']}",
        }


def _matches(member: Member, q: str) -> bool:
    """Exact email or name substring, case-insensitive; an empty query matches everyone."""
    name = f"{member.first} {member.last} {member.first}.{member.last}".lower()
    return not q or member.email.lower() == q or q in name
