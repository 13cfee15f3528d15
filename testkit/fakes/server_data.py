"""State the platform fakes share: people, codes, token families, and their common test API."""

from __future__ import annotations

import itertools
import math
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from testkit.fakes.server import FakeServer, Logged, QueryRequestLog, bearer_token

Json = dict[str, Any]


@dataclass(frozen=True)
class Person:
    """Someone on a platform, known to tests by `id` (the string given to `add_person`)."""

    id: str
    first: str
    last: str
    email: str
    title: str | None = None
    department: str | None = None
    left_on: str | None = None  # the day they left (ISO date), where the platform says


@dataclass(frozen=True)
class Code:
    """An authorization code: who approved, and what the token request must repeat."""

    person: str
    redirect_uri: str
    scope: str = ""
    challenge: str = ""


@dataclass(frozen=True)
class Grant:
    """What a token stands for: a person (None for app tokens), a scope and a token family."""

    person: str | None
    scope: str
    family: int
    expires_at: float = math.inf


Issued = tuple[str, str | None, Grant]  # access token, refresh token, grant


class TokenFamilies:
    """Tokens grouped by the authorization they descend from; refresh tokens rotate, and
    replaying a rotated one revokes its whole family. Not thread-safe: callers hold a lock."""

    def __init__(self, *, refresh_revokes_access: bool) -> None:
        self.access: dict[str, Grant] = {}
        self.refresh: dict[str, tuple[Grant, str]] = {}  # live refresh token -> (grant, access)
        self.rotated: dict[str, int] = {}  # used refresh token -> its family
        self.revoked: set[int] = set()
        self.counts: Counter[str] = Counter()
        self.issued: list[str] = []
        self.planted: list[str] = []  # the next tokens to issue, in order, before random ones
        self.reuse_detected = False
        self.refresh_revokes_access = refresh_revokes_access
        self._families = itertools.count(1)

    def issue(
        self, grant_type: str, grant: Grant, *, refresh: bool = True, access_token: str = ""
    ) -> Issued:
        """Mint an access token (and a refresh token) for `grant`; count the grant type."""
        access = access_token or self._mint()
        self.access[access] = grant
        self.issued.append(access)
        refresh_token = self._mint() if refresh else None
        if refresh_token:
            self.refresh[refresh_token] = (grant, access)
            self.issued.append(refresh_token)
        self.counts[grant_type] += 1
        return access, refresh_token, grant

    def _mint(self) -> str:
        """A new token: the next planted one, else a random one."""
        return self.planted.pop(0) if self.planted else secrets.token_urlsafe(30)

    def new_grant(self, person: str | None, scope: str, lifetime: float) -> Grant:
        """A grant starting a new family."""
        return Grant(person, scope, next(self._families), time.time() + lifetime)

    def rotate(self, refresh_token: str, lifetime: float) -> Issued | None:
        """Swap a live refresh token for new tokens; replaying a rotated one revokes its family."""
        found = self.refresh.pop(refresh_token, None)
        if found is None:
            family = self.rotated.get(refresh_token)
            if family is not None:
                self.reuse_detected = True
                self.revoke(family)
            return None
        grant, access = found
        self.rotated[refresh_token] = grant.family
        if self.refresh_revokes_access:
            self.access.pop(access, None)
        return self.issue("refresh_token", replace(grant, expires_at=time.time() + lifetime))

    def revoke(self, family: int) -> None:
        """Revoke every access and refresh token of a family."""
        self.revoked.add(family)
        self.access = {t: g for t, g in self.access.items() if g.family != family}
        self.refresh = {t: v for t, v in self.refresh.items() if v[0].family != family}

    def live(self, token: str) -> Grant | None:
        """The grant of a live access token, or None."""
        grant = self.access.get(token)
        return grant if grant is not None and grant.expires_at > time.time() else None


class PlatformFake(FakeServer):
    """The test API every platform fake shares. Subclasses build `app` with `_build`."""

    numeric_ids = False

    def __init__(self, client_id: str, client_secret: str, *, lifetime: float, rotate: bool):
        self.client_id, self.client_secret = client_id, client_secret
        self.access_lifetime = lifetime
        self.redirect_uri = ""
        self.logged_in: str | None = None
        self.deny = False
        self.latency = 0.0
        self.requests: list[Logged] = []
        self.page_cap: int | None = None  # the largest page served, whatever was asked for
        self.clock_offset = 0.0  # seconds added to the time recognitions are dated
        self._lock = threading.Lock()
        self._tokens = TokenFamilies(refresh_revokes_access=rotate)
        self._people: dict[str, Person] = {}
        self._sent: list[Json] = []
        self._codes: dict[str, Code] = {}

    def _build(self, routes: list[Route], oauth_prefix: str) -> None:
        """The app: request log, then latency and faults (sparing `oauth_prefix`), then routes."""
        faulty = self._faulty(Starlette(routes=routes), exempt=(oauth_prefix,))
        self.app = QueryRequestLog(faulty, self.requests, self._lock)

    # ---- test API -------------------------------------------------------------------------

    def add_person(
        self,
        person_id: str,
        first: str,
        last: str,
        email: str,
        *,
        title: str | None = None,
        department: str | None = None,
        left_on: str | None = None,
    ) -> None:
        """Add (or replace) a person."""
        if self.numeric_ids and not person_id.isdigit():
            raise ValueError(f"{type(self).__name__} person ids are numeric strings")
        with self._lock:
            person = Person(person_id, first, last, email, title, department, left_on)
            self._people[person_id] = person

    @property
    def recognitions(self) -> list[Json]:
        """Every recognition sent, oldest first: id, sender, recipients, message, value, created."""
        with self._lock:
            return [r | {"recipients": list(r["recipients"])} for r in self._sent]

    def issued_tokens(self) -> list[str]:
        """Every access and refresh token ever issued (to scan logs and storage for leaks)."""
        with self._lock:
            return list(self._tokens.issued)

    @property
    def next_tokens(self) -> list[str]:
        """Tokens still to be issued, in order (access, then refresh, per grant), before random
        ones: canaries to look for in logs, messages and storage."""
        with self._lock:
            return list(self._tokens.planted)

    @next_tokens.setter
    def next_tokens(self, tokens: list[str]) -> None:
        with self._lock:
            self._tokens.planted = list(tokens)

    def expire_tokens(self) -> None:
        """Make every live access token expired (refresh tokens keep working)."""
        with self._lock:
            access = self._tokens.access
            self._tokens.access = {t: replace(g, expires_at=0.0) for t, g in access.items()}

    def grant_counts(self) -> dict[str, int]:
        """Token endpoint successes by grant_type."""
        with self._lock:
            return dict(self._tokens.counts)

    def revoked_families(self) -> int:
        """How many token families were revoked for refresh token reuse."""
        with self._lock:
            return len(self._tokens.revoked)

    @property
    def refresh_reuse_detected(self) -> bool:
        """Whether an already-rotated refresh token was ever presented again."""
        with self._lock:
            return self._tokens.reuse_detected

    # ---- for subclasses -------------------------------------------------------------------

    def _authorization(self, request: Request, scope: str = "", challenge: str = "") -> Response:
        """`logged_in` approves (or denies); redirect to `redirect_uri`, echoing `state`."""
        q = request.query_params
        valid = q.get("client_id") == self.client_id and q.get("response_type") == "code"
        known = bool(self.redirect_uri) and q.get("redirect_uri") == self.redirect_uri
        if not valid or not known or self.logged_in is None:
            return HTMLResponse("<h1>Invalid authorization request</h1>", status_code=400)
        params = {"error": "access_denied"}
        if not self.deny:
            code = Code(self.logged_in, self.redirect_uri, scope, challenge)
            params = {"code": secrets.token_urlsafe(24)}
            with self._lock:
                self._codes[params["code"]] = code
        if "state" in q:
            params["state"] = q["state"]
        sep = "&" if "?" in self.redirect_uri else "?"
        return RedirectResponse(f"{self.redirect_uri}{sep}{urlencode(params)}", status_code=302)

    def _page_size(self, asked: int) -> int:
        """The page size served when `asked` for (no more than `page_cap`)."""
        return asked if self.page_cap is None else min(asked, self.page_cap)

    def _admit(self, request: Request) -> Grant | None:
        """The live bearer grant, or None (latency and faults come first: see faults.py)."""
        with self._lock:
            return self._tokens.live(bearer_token(request))

    def _record(self, sender: str, recipients: list[str], message: str, value: str | None) -> Json:
        """Store a sent recognition (callers hold the lock) and return it."""
        record: Json = {"id": 7001 + len(self._sent), "sender": sender, "recipients": recipients}
        created = datetime.now(UTC) + timedelta(seconds=self.clock_offset)
        record |= {"message": message, "value": value, "created": created.isoformat()}
        self._sent.append(record)
        return record
