"""7Geese (Paycor Performance): spec and adapter (see shared/reference/provider-apis.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.api import PlatformApi
from bot.errors import KudosError, PartiallySent, ProviderError
from bot.models import Person, Recognition, Sent, Value
from bot.paging import NextPage, fetch_page
from bot.providers.base import ProviderSpec, RecentPage, involving
from bot.providers.fields import full_name, obj, objects, require_object, text

SPEC = ProviderSpec(
    name="sevengeese",
    display_name="7Geese",
    authorize_path="/o/authorize/",
    token_path="/o/token/",
    default_base_url="https://app.7geese.com",
    default_scope="userprofile:read recognition:read recognition:write",
    token_encoding="form",
    client_auth="client_secret_basic",
    expiry="seconds",
    paging="drf",
    pkce=True,
    value_label="badge",
    values_label="badges",
)

# Every assumption not confirmed by public documentation, in one place (listed in the README).
ASSUMED = {
    "send": "POST /api/v/2.0/recognitions/ {recipient, badge, message}, one per recipient",
    "profile": "userprofiles/me/: id (profile pk), position, user.{first_name,last_name,email}",
    "recipient_filter": "recipient",  # on GET /api/v/2.0/recognitions/
}

ME = "/api/v/2.0/userprofiles/me/"
RECOGNITIONS = "/api/v/2.0/recognitions/"
GRAPHQL = "/graphql"
PROFILES_BY_EMAIL = (
    "query($email: String!) { profiles(user_Email: $email) "
    "{ edges { node { pk fullName user { email } } } } }"
)
BADGES = "query($first: Int!) { badges(first: $first) { edges { node { pk name active } } } }"


def _body(value: Any) -> Mapping[str, Any]:
    return require_object(value, SPEC.display_name)


def _as_pk(value: str) -> int | str:
    return int(value) if value.isdigit() else value


class SevenGeese:
    """Adapter: REST for the profile and recognitions, GraphQL for people and badges."""

    spec = SPEC

    def __init__(self, api: PlatformApi) -> None:
        self._api = api

    async def whoami(self, token: str) -> Person:
        profile = _body(await self._api.call("GET", ME, token))
        user = obj(profile.get("user"))
        return Person(
            id=text(profile.get("id")) or "",
            name=full_name(user.get("first_name"), user.get("last_name"), user.get("email")),
            email=text(user.get("email")),
            title=text(profile.get("position")),
            image_url=text(profile.get("avatar")),
        )

    async def _graphql(self, token: str, query: str, variables: Mapping[str, Any]) -> Any:
        body = _body(
            await self._api.call(
                "POST",
                GRAPHQL,
                token,
                json={"query": query, "variables": dict(variables)},
                idempotent=True,  # only queries go through here, never mutations
            )
        )
        if body.get("errors"):
            raise ProviderError("7Geese could not answer that question.")
        return obj(body.get("data"))

    async def find_by_email(self, token: str, email: str) -> Person | None:
        data = await self._graphql(token, PROFILES_BY_EMAIL, {"email": email})
        for edge in objects(obj(data.get("profiles")).get("edges")):
            node = obj(edge.get("node"))
            found = text(obj(node.get("user")).get("email"))
            if found and found.casefold() == email.casefold():
                name = text(node.get("fullName")) or found
                return Person(id=text(node.get("pk")) or "", name=name, email=found)
        return None

    async def list_values(self, token: str) -> list[Value]:
        data = await self._graphql(token, BADGES, {"first": 100})
        nodes = [obj(edge.get("node")) for edge in objects(obj(data.get("badges")).get("edges"))]
        return [
            Value(id=text(n.get("pk")) or "", name=text(n.get("name")) or "")
            for n in nodes
            if n.get("active", True) and n.get("pk") is not None
        ]

    async def send(
        self, token: str, recipients: Sequence[str], message: str, value: Value | None
    ) -> Sent:
        """One recognition per recipient (the API takes one); the first is the one linked."""
        sent: list[Sent] = []
        for recipient in recipients:
            payload = {
                "recipient": _as_pk(recipient),
                "message": message,
                "badge": _as_pk(value.id) if value else None,
            }
            try:
                created = _body(await self._api.call("POST", RECOGNITIONS, token, json=payload))
            except KudosError as error:
                if not sent:
                    raise
                raise PartiallySent(
                    f"Sent to {len(sent)} of {len(recipients)} people, then 7Geese refused the "
                    "rest. Check 7Geese before sending again."
                ) from error
            sent.append(Sent(id=text(created.get("id")), url=text(created.get("url"))))
        return sent[0] if sent else Sent()

    async def recent(self, token: str, person_id: str, at: NextPage | None) -> RecentPage:
        first = NextPage(RECOGNITIONS, {ASSUMED["recipient_filter"]: person_id, "limit": "5"})
        page = await fetch_page(self._api, SPEC.paging, RECOGNITIONS, at or first, token)
        items = [to_recognition(_body(item)) for item in page.items]
        return RecentPage(involving(items, person_id), page.next, page.previous)


def _user_name(side: Any) -> str:
    user = obj(obj(side).get("user"))
    return full_name(user.get("first_name"), user.get("last_name"), user.get("email"))


def to_recognition(item: Mapping[str, Any]) -> Recognition:
    return Recognition(
        id=text(item.get("id")) or "",
        giver=_user_name(item.get("creator")),
        giver_id=text(obj(item.get("creator")).get("id")),
        recipients=[_user_name(item.get("recipient"))],
        recipient_ids=[text(obj(item.get("recipient")).get("id")) or ""],
        message=text(item.get("message")) or "",
        created=text(item.get("created")),
    )


def adapter(api: PlatformApi) -> SevenGeese:
    return SevenGeese(api)
