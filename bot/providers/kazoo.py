"""KazooHR / YouEarnedIt legacy R&R API v3: spec and adapter (resource paths assumed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.api import PlatformApi
from bot.models import Person, Recognition, Sent, Value
from bot.paging import NextPage, fetch_page, iterate
from bot.providers.base import ProviderSpec, RecentPage, involving
from bot.providers.fields import full_name, obj, require_object, text

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
    paging="kazoo",
    value_label="company value",
    values_label="company values",
)

# The v3 resources below are ASSUMED (provider-apis.md): no public source documents them.
ASSUMED = {
    "me": "/api/v3/users/me",
    "users": "/api/v3/users",  # ?email=
    "values": "/api/v3/company_values",
    "recognitions": "/api/v3/recognitions",  # POST {recipient_ids, message, company_value_id}
    "recognitions_filter": "user_id",
}


def _body(value: Any) -> Mapping[str, Any]:
    return require_object(value, SPEC.display_name)


def to_person(user: Mapping[str, Any]) -> Person:
    return Person(
        id=text(user.get("id")) or "",
        name=full_name(user.get("first_name"), user.get("last_name"), user.get("email")),
        email=text(user.get("email")),
        title=text(user.get("title")),
        department=text(user.get("department")),
        image_url=text(user.get("avatar_url")),
    )


def _as_id(value: str) -> int | str:
    return int(value) if value.isdigit() else value


class Kazoo:
    """Adapter over the assumed v3 resources; JSON in and out, paged as `{page, data}`."""

    spec = SPEC

    def __init__(self, api: PlatformApi) -> None:
        self._api = api

    async def whoami(self, token: str) -> Person:
        return to_person(_body(await self._api.call("GET", ASSUMED["me"], token)))

    async def find_by_email(self, token: str, email: str) -> Person | None:
        async for user in iterate(
            self._api, SPEC.paging, ASSUMED["users"], token, {"email": email}, max_pages=3
        ):
            person = to_person(_body(user))
            if person.email and person.email.casefold() == email.casefold():
                return person
        return None

    async def list_values(self, token: str) -> list[Value]:
        values: list[Value] = []
        async for item in iterate(self._api, SPEC.paging, ASSUMED["values"], token, max_pages=5):
            value = _body(item)
            values.append(Value(id=text(value.get("id")) or "", name=text(value.get("name")) or ""))
        return values

    async def send(
        self, token: str, recipients: Sequence[str], message: str, value: Value | None
    ) -> Sent:
        payload = {
            "recipient_ids": [_as_id(recipient) for recipient in recipients],
            "message": message,
            "company_value_id": _as_id(value.id) if value else None,
        }
        created = _body(await self._api.call("POST", ASSUMED["recognitions"], token, json=payload))
        return Sent(id=text(created.get("id")), url=text(created.get("url")))

    async def recent(self, token: str, person_id: str, at: NextPage | None) -> RecentPage:
        first = NextPage(
            ASSUMED["recognitions"], {ASSUMED["recognitions_filter"]: person_id, "page_size": "5"}
        )
        page = await fetch_page(self._api, SPEC.paging, ASSUMED["recognitions"], at or first, token)
        items = [to_recognition(_body(item)) for item in page.items]
        return RecentPage(involving(items, person_id), page.next, page.previous)


def to_recognition(item: Mapping[str, Any]) -> Recognition:
    return Recognition(
        id=text(item.get("id")) or "",
        giver=text(item.get("sender_name")) or text(item.get("sender_id")),
        giver_id=text(item.get("sender_id")),
        recipients=[text(r) or "" for r in item.get("recipient_names") or []],
        recipient_ids=[text(r) or "" for r in item.get("recipient_ids") or []],
        message=text(item.get("message")) or "",
        value=text(obj(item.get("company_value")).get("name")),
        created=text(item.get("created_at")),
        url=text(item.get("url")),
    )


def adapter(api: PlatformApi) -> Kazoo:
    return Kazoo(api)
