"""A fake Culture Amp public API (read-only): client-credentials JWTs and /v1/employees."""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from testkit.fakes.server import client_form, json_error
from testkit.fakes.server_data import Json, Person, PlatformFake

ACCESS_LIFETIME = 3599
EMPLOYEES_READ = "employees-read"
START_DATE = "2021-03-01"
PROCESSED_AT = "2024-05-01T09:30:00Z"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jwt(claims: Json) -> str:
    """A JWT-looking token (header.claims.signature); the signature is random bytes."""
    header = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}.{_b64(secrets.token_bytes(32))}"


def _after_key(employee_id: str) -> str:
    """An opaque cursor: the last employee of a page."""
    return _b64(json.dumps({"after": employee_id}).encode())


def _after(cursor: str) -> str | None:
    """The employee id a cursor points after, or None when the cursor is malformed."""
    try:
        found = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        return None
    after = found.get("after") if isinstance(found, dict) else None
    return after if isinstance(after, str) else None


def employee_json(person: Person, number: int) -> Json:
    """An employee record as /v1/employees lists it."""
    return {
        "id": person.id,
        "email": person.email,
        "name": f"{person.first} {person.last}",
        "employeeId": f"E{number:05d}",
        "status": "inactive" if person.left_on else "active",  # values unknown: not read
        "startDate": START_DATE,
        "endDate": person.left_on,
        "processedAt": PROCESSED_AT,
    }


class FakeCultureAmp(PlatformFake):
    """One Culture Amp account (`entity_id`). Tokens carry the requested permissions that the
    credential holds (`credential_permissions`); one without employees-read gets 403."""

    def __init__(self, client_id: str, client_secret: str, entity_id: str):
        super().__init__(client_id, client_secret, lifetime=ACCESS_LIFETIME, rotate=False)
        self.entity_id = entity_id
        self.page_size = 100
        self.credential_permissions = {EMPLOYEES_READ}
        self._generated = 0
        self._pages_served = 0
        self._build(
            [
                Route("/v1/oauth2/token", self._token, methods=["POST"]),
                Route("/v1/employees", self._employees),
            ],
            oauth_prefix="/v1/oauth2/",
        )

    # ---- test API -------------------------------------------------------------------------

    def add_employees(self, count: int, *, domain: str = "example.com") -> None:
        """Add `count` generated employees: person{i}@{domain}, named "Person {i}"."""
        with self._lock:
            for i in range(self._generated + 1, self._generated + count + 1):
                employee_id = f"00000000-0000-4000-8000-{i:012d}"
                self._people[employee_id] = Person(
                    employee_id, "Person", str(i), f"person{i}@{domain}"
                )
            self._generated += count

    def employee_requests(self) -> int:
        """How many /v1/employees pages were served."""
        with self._lock:
            return self._pages_served

    # ---- OAuth ----------------------------------------------------------------------------

    def _permissions(self, scope: str) -> set[str] | None:
        """The permissions a `target-entity:<id>:<p1,p2>` scope asks for; None if not ours."""
        prefix = f"target-entity:{self.entity_id}:"
        return set(scope[len(prefix) :].split(",")) - {""} if scope.startswith(prefix) else None

    async def _token(self, request: Request) -> Response:
        """Form body only; client auth in the body or by HTTP Basic."""
        form = await client_form(request, (self.client_id, self.client_secret))
        if isinstance(form, Response):
            return form
        if form.get("grant_type") != "client_credentials":
            return json_error(400, "unsupported_grant_type")
        wanted = self._permissions(form.get("scope", ""))
        if wanted is None or EMPLOYEES_READ not in wanted:
            return json_error(400, "invalid_scope", "expected target-entity:<ours>:employees-read")
        granted = ",".join(sorted(wanted & self.credential_permissions))
        scope = f"target-entity:{self.entity_id}:{granted}"
        token = self._mint(scope)
        answer = {"access_token": token, "expires_in": round(self.access_lifetime)}
        return JSONResponse(answer | {"scope": scope, "token_type": "Bearer"})

    def _mint(self, scope: str) -> str:
        """Issue a JWT-looking access token for `scope`."""
        now = int(time.time())
        claims = {"sub": self.client_id, "scope": scope, "iat": now, "jti": secrets.token_hex(8)}
        token = _jwt(claims | {"exp": now + round(self.access_lifetime)})
        with self._lock:
            grant = self._tokens.new_grant(None, scope, self.access_lifetime)
            self._tokens.issue("client_credentials", grant, refresh=False, access_token=token)
        return token

    # ---- API ------------------------------------------------------------------------------

    async def _employees(self, request: Request) -> Response:
        """A page of employees; `pagination` is absent on the last page."""
        admitted = self._admit(request)
        if admitted is None:
            return json_error(401, "invalid_token", "missing, unknown or expired access token")
        if EMPLOYEES_READ not in admitted.scope.rpartition(":")[2].split(","):
            answer = json_error(403, "insufficient_scope", f"this call needs {EMPLOYEES_READ}")
            answer.headers["WWW-Authenticate"] = 'Bearer error="insufficient_scope"'
            return answer
        with self._lock:
            page = self._page(request.query_params.get("cursor") or None)
            self._pages_served += page is not None
        if page is None:
            return json_error(400, "invalid_request", "invalid cursor")
        return JSONResponse(page)

    def _page(self, cursor: str | None) -> Json | None:
        """The page after `cursor` (the first without one); None for a bad cursor."""
        ids = list(self._people)
        start = 0
        if cursor is not None:
            after = _after(cursor)
            if after not in ids:
                return None
            start = ids.index(after) + 1
        chunk = [self._people[i] for i in ids[start : start + self.page_size]]
        page: Json = {"data": [employee_json(p, start + n + 1) for n, p in enumerate(chunk)]}
        if start + self.page_size < len(ids):
            key = _after_key(chunk[-1].id)
            page["pagination"] = {"afterKey": key, "nextPath": f"/v1/employees?cursor={key}"}
        return page
