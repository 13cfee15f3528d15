"""Culture Amp public API: read-only, one app-level token (client credentials)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from bot.errors import InvalidInput
from bot.models import Person, Recognition, Sent, Value
from bot.platforms.api import PlatformApi
from bot.platforms.fields import require_object, text
from bot.platforms.paging import NextPage, Paging, iterate
from bot.platforms.spec import ProviderSpec, RecentPage

SPEC = ProviderSpec(
    name="cultureamp",
    display_name="Culture Amp",
    grant="client_credentials",
    token_path="/v1/oauth2/token",
    default_base_url="https://api.cultureamp.com",
    default_scope="target-entity:{entity_id}:employees-read",
    scope_in_authorize=False,
    scope_in_token=True,
    token_encoding="form",
    client_auth="client_secret_post",
    expiry="seconds",
    paging=Paging("cursor", items="data", param="cursor", cursor=("pagination", "afterKey")),
    refresh_margin=300.0,  # tokens live 3599 s: mint a new one 5 minutes early
    can_recognize=False,
    directory=True,  # no e-mail filter: the bot keeps an e-mail → employee directory
)

# The field is confirmed (PostHog's connector lists it); that a past date means the person has
# left, and its ISO format (YYYY-MM-DD…), are assumed. Listed in the README.
ASSUMED = {"left_on": "endDate"}
EMPLOYEES = "/v1/employees"
NO_RECOGNITIONS = "Culture Amp's API offers no recognitions."


def has_left(employee: Mapping[str, Any], today: date | None = None) -> bool:
    """Whether the employee's end date has passed (a missing or unreadable one: still here)."""
    value = text(employee.get(ASSUMED["left_on"]))
    try:
        ended = date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return False
    return ended is not None and ended < (today or datetime.now(UTC).date())


class CultureAmp:
    """Adapter: people only."""

    spec = SPEC

    def __init__(self, api: PlatformApi) -> None:
        self._api = api

    async def everyone(self, token: str) -> AsyncIterator[Person]:
        """Every employee who hasn't left, walking the cursor pages to the end."""
        async for item in iterate(self._api, SPEC.paging, EMPLOYEES, token, max_pages=10_000):
            employee = require_object(item, SPEC.display_name)
            if has_left(employee):
                continue
            yield Person(
                id=text(employee.get("id")) or "",
                name=text(employee.get("name")) or text(employee.get("email")) or "someone",
                email=text(employee.get("email")),
            )

    async def whoami(self, token: str) -> Person:
        raise InvalidInput("Culture Amp needs no personal link: the app reads it for everyone.")

    async def find_by_email(self, token: str, email: str) -> Person | None:
        """A full walk; the bot answers from its directory instead (see
        bot/recognition/directory.py)."""
        async for person in self.everyone(token):
            if person.email and person.email.casefold() == email.casefold():
                return person
        return None

    async def list_values(self, token: str) -> list[Value]:
        return []

    async def send(
        self, token: str, recipients: Sequence[str], message: str, value: Value | None
    ) -> Sent:
        raise InvalidInput(NO_RECOGNITIONS)

    async def recent(self, token: str, person_id: str, at: NextPage | None) -> RecentPage:
        return RecentPage([])

    async def given(self, token: str, person_id: str, since: float) -> list[Recognition]:
        return []


def adapter(api: PlatformApi) -> CultureAmp:
    return CultureAmp(api)
