"""The state of a simulated 7Geese network or YouEarnedIt company: sign-in codes, rotating
tokens, and recognitions as the records their JSON views (sevengeese_data, kazoo_data) read."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from authlib.oauth2.rfc7636 import create_s256_code_challenge

from sandbox.people import Json

CODE_LIFETIME = 60.0
# (giver, receiver, days ago, text): the same story on every platform; the value is the first,
# second and first of the platform's values.
SEEDS = (
    ("1003", "1001", 3, "Thanks for untangling the release checklist with me on Friday."),
    ("1004", "1002", 2, "You stayed on the incident call until the customer was back."),
    ("1001", "1003", 1, "The new onboarding flow cut sign-up time in half."),
)


@dataclass(frozen=True)
class Code:
    """A sign-in someone allowed: who, with which scope and PKCE challenge, until when."""

    member: str
    scope: str
    challenge: str
    until: float


@dataclass(frozen=True)
class Grant:
    """What a token stands for: a member and a scope, until `expires_at` (epoch seconds)."""

    member: str
    scope: str
    expires_at: float


Issued = tuple[str, str, Grant]  # access token, refresh token, grant


class Network:
    """One network. Every method runs on the event loop without awaiting, so each is atomic."""

    def __init__(self, values: Sequence[str], lifetime: float) -> None:
        self.lifetime = lifetime
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, Grant] = {}
        self.refresh_tokens: dict[str, Grant] = {}
        self.sent: list[Json] = []
        for n, (giver, receiver, days, text) in enumerate(SEEDS):
            when = datetime.now(UTC) - timedelta(days=days)
            self.record(giver, [receiver], text, values[n % 2] if values else None, when)

    def new_code(self, member: str, scope: str, challenge: str = "") -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = Code(member, scope, challenge, time.time() + CODE_LIFETIME)
        return code

    def redeem(self, code: str, verifier: str = "") -> Issued | None:
        """Tokens for a fresh code, once; its PKCE challenge (if any) must match the verifier."""
        found = self.codes.pop(code, None)
        if found is None or found.until < time.time():
            return None
        if found.challenge and create_s256_code_challenge(verifier) != found.challenge:
            return None
        return self.issue(found.member, found.scope)

    def exchange(self, fields: Mapping[str, str]) -> Issued | str:
        """Tokens for a token request (a code, or a refresh token); else the OAuth error code."""
        grant_type = fields.get("grant_type")
        if grant_type == "authorization_code":
            issued = self.redeem(fields.get("code", ""), fields.get("code_verifier", ""))
        elif grant_type == "refresh_token":
            issued = self.rotate(fields.get("refresh_token", ""))
        else:
            return "unsupported_grant_type"
        return "invalid_grant" if issued is None else issued

    def issue(self, member: str, scope: str) -> Issued:
        grant = Grant(member, scope, time.time() + self.lifetime)
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.tokens[access], self.refresh_tokens[refresh] = grant, grant
        return access, refresh, grant

    def rotate(self, refresh_token: str) -> Issued | None:
        """A refresh token, used once, for new tokens."""
        grant = self.refresh_tokens.pop(refresh_token, None)
        return None if grant is None else self.issue(grant.member, grant.scope)

    def grant(self, token: str) -> Grant | None:
        grant = self.tokens.get(token)
        return grant if grant is not None and grant.expires_at > time.time() else None

    def record(
        self,
        sender: str,
        recipients: list[str],
        message: str,
        value: str | None,
        when: datetime | None = None,
    ) -> Json:
        """Keep a recognition, in the record shape the JSON views read, and return it."""
        created = (when or datetime.now(UTC)).isoformat(timespec="seconds")
        record: Json = {"id": 7001 + len(self.sent), "sender": sender, "recipients": recipients}
        record |= {"message": message, "value": value, "created": created}
        self.sent.append(record)
        return record

    def involving(self, member: str | None) -> list[Json]:
        """What `member` gave or received (everything when None), newest first."""
        found = [r for r in self.sent if member in (None, r["sender"], *r["recipients"])]
        return found[::-1]

    def find(self, number: int) -> Json | None:
        return next((r for r in self.sent if r["id"] == number), None)
