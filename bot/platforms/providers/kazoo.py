"""KazooHR / YouEarnedIt legacy R&R API v3: spec and adapter (resource paths assumed)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from bot.errors import ProviderError, ProviderUnauthorized
from bot.models import Person, Recognition, Sent, Value
from bot.platforms.api import PlatformApi
from bot.platforms.fields import full_name, require_object, text
from bot.platforms.paging import NextPage, Paging, fetch_page, iterate
from bot.platforms.spec import GIVEN_PAGE_SIZE, ProviderSpec, RecentPage, involving, walk_given

SPEC = ProviderSpec(
    name="kazoo",
    display_name="YouEarnedIt",
    authorize_path="/oauth/authorize",
    token_path="/oauth/token",
    default_scope="API",
    scope_in_authorize=False,  # the guide's authorize URL carries no scope
    scope_in_token=True,  # ... and its token URL carries scope=API
    token_encoding="query",
    client_auth="client_secret_post",
    expiry="created_at",
    paging=Paging("numbered", items="data", param="page"),  # assumed, as ASSUMED below
    value_label="company value",
    values_label="company values",
    api_headers=(("Content-Type", "application/json"),),  # "all requests must include" (guide)
)

# No public source documents the v3 resources: every path, parameter and field the adapter reads
# is ASSUMED (provider-apis.md) and kept here; the README lists them, the fake implements them.
ASSUMED = {
    "me": "/api/v3/users/me",
    "users": "/api/v3/users",
    "user": "/api/v3/users/{id}",  # a user by id: names for the ids a recognition lists
    "values": "/api/v3/company_values",
    "recognitions": "/api/v3/recognitions",  # POST one to many recipients; GET lists
    "email_filter": "email",  # on /users
    "user_filter": "user_id",  # on GET /recognitions: what the user gave or received
    "page_param": SPEC.paging.param,
    "page_size_param": "page_size",
    "user_id": "id",
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "title": "title",
    "department": "department",
    "avatar": "avatar_url",
    "value_id": "id",
    "value_name": "name",
    "recognition_id": "id",
    "sender": "sender_id",
    "recipients": "recipient_ids",
    "message": "message",
    "company_value": "company_value_id",
    "created": "created_at",
    "url": "url",
}
A = ASSUMED
RECENT_PAGE = "5"


def _body(value: Any) -> Mapping[str, Any]:
    return require_object(value, SPEC.display_name)


def _as_id(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def to_person(user: Mapping[str, Any]) -> Person:
    return Person(
        id=text(user.get(A["user_id"])) or "",
        name=full_name(user.get(A["first_name"]), user.get(A["last_name"]), user.get(A["email"])),
        email=text(user.get(A["email"])),
        title=text(user.get(A["title"])),
        department=text(user.get(A["department"])),
        image_url=text(user.get(A["avatar"])),
    )


def to_recognition(item: Mapping[str, Any]) -> Recognition:
    """A listed recognition: people and the value are ids here (see `Kazoo.named`)."""
    recipients = item.get(A["recipients"])
    return Recognition(
        id=text(item.get(A["recognition_id"])) or "",
        giver_id=text(item.get(A["sender"])),
        recipient_ids=[text(r) or "" for r in recipients] if isinstance(recipients, list) else [],
        message=text(item.get(A["message"])) or "",
        value_id=text(item.get(A["company_value"])),
        created=text(item.get(A["created"])),
        url=text(item.get(A["url"])),
    )


def _read(item: Any) -> Recognition:
    return to_recognition(_body(item))


class Kazoo:
    """Adapter over the assumed v3 resources; JSON in and out, paged as `{page, data}`."""

    spec = SPEC

    def __init__(self, api: PlatformApi) -> None:
        self._api = api

    async def whoami(self, token: str) -> Person:
        return to_person(_body(await self._api.call("GET", A["me"], token)))

    async def find_by_email(self, token: str, email: str) -> Person | None:
        params = {A["email_filter"]: email}
        async for user in iterate(self._api, SPEC.paging, A["users"], token, params, max_pages=3):
            person = to_person(_body(user))
            if person.email and person.email.casefold() == email.casefold():
                return person
        return None

    async def list_values(self, token: str) -> list[Value]:
        values: list[Value] = []
        async for item in iterate(self._api, SPEC.paging, A["values"], token, max_pages=5):
            value = _body(item)
            values.append(
                Value(
                    id=text(value.get(A["value_id"])) or "",
                    name=text(value.get(A["value_name"])) or "",
                )
            )
        return values

    async def send(
        self, token: str, recipients: Sequence[str], message: str, value: Value | None
    ) -> Sent:
        payload = {
            A["recipients"]: [_as_id(recipient) for recipient in recipients],
            A["message"]: message,
            A["company_value"]: _as_id(value.id) if value else None,
        }
        created = _body(await self._api.call("POST", A["recognitions"], token, json=payload))
        return Sent(id=text(created.get(A["recognition_id"])), url=text(created.get(A["url"])))

    async def recent(self, token: str, person_id: str, at: NextPage | None) -> RecentPage:
        first = NextPage(
            A["recognitions"], {A["user_filter"]: person_id, A["page_size_param"]: RECENT_PAGE}
        )
        page = await fetch_page(self._api, SPEC.paging, A["recognitions"], at or first, token)
        items = involving([_read(item) for item in page.items], person_id)
        return RecentPage(await self.named(token, items), page.next, page.previous)

    async def given(self, token: str, person_id: str, since: float) -> list[Recognition]:
        params = {A["user_filter"]: person_id, A["page_size_param"]: GIVEN_PAGE_SIZE}
        first = NextPage(A["recognitions"], params)
        return await walk_given(self._api, SPEC, first, token, _read, person_id, since)

    async def named(self, token: str, items: list[Recognition]) -> list[Recognition]:
        """The listing names nobody: look each person up once, and the values once."""
        if not items:
            return items
        people = {i for item in items for i in (item.giver_id, *item.recipient_ids) if i}
        names = await self._names(token, people)
        values: dict[str, str] = {}
        if any(item.value_id for item in items):
            values = {value.id: value.name for value in await self.list_values(token)}
        return [
            item.model_copy(
                update={
                    "giver": names.get(item.giver_id or ""),
                    "recipients": [names.get(i, "someone") for i in item.recipient_ids],
                    "value": values.get(item.value_id or ""),
                }
            )
            for item in items
        ]

    async def _names(self, token: str, ids: Iterable[str]) -> dict[str, str]:
        found = await asyncio.gather(*(self._name(token, user_id) for user_id in sorted(ids)))
        return {user_id: name for user_id, name in found if name}

    async def _name(self, token: str, user_id: str) -> tuple[str, str | None]:
        """A user's name, or None when the platform won't say (the item then says "someone")."""
        path = A["user"].format(id=quote(user_id, safe=""))
        try:
            return user_id, to_person(
                _body(await self._api.call("GET", path, token, template=A["user"]))
            ).name
        except ProviderUnauthorized:
            raise
        except ProviderError:
            return user_id, None


def adapter(api: PlatformApi) -> Kazoo:
    return Kazoo(api)
