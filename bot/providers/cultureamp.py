"""Culture Amp public API: read-only, one app-level token (client credentials)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from bot.api import PlatformApi
from bot.errors import InvalidInput
from bot.models import Person, Sent, Value
from bot.paging import NextPage, iterate
from bot.providers.base import ProviderSpec, RecentPage
from bot.providers.fields import require_object, text

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
    paging="cultureamp",
    refresh_margin=300.0,  # tokens live 3599 s: mint a new one 5 minutes early
    can_recognize=False,
    directory=True,  # no e-mail filter: the bot keeps an e-mail → employee directory
)

EMPLOYEES = "/v1/employees"
NO_RECOGNITIONS = "Culture Amp's API offers no recognitions."


class CultureAmp:
    """Adapter: people only."""

    spec = SPEC

    def __init__(self, api: PlatformApi) -> None:
        self._api = api

    async def everyone(self, token: str) -> AsyncIterator[Person]:
        """Every employee, walking the cursor pages to the end."""
        async for item in iterate(self._api, SPEC.paging, EMPLOYEES, token, max_pages=10_000):
            employee = require_object(item, SPEC.display_name)
            yield Person(
                id=text(employee.get("id")) or "",
                name=text(employee.get("name")) or text(employee.get("email")) or "someone",
                email=text(employee.get("email")),
            )

    async def whoami(self, token: str) -> Person:
        raise InvalidInput("Culture Amp needs no personal link: the app reads it for everyone.")

    async def find_by_email(self, token: str, email: str) -> Person | None:
        """A full walk; the bot answers from its directory instead (see bot/directory.py)."""
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


def adapter(api: PlatformApi) -> CultureAmp:
    return CultureAmp(api)
