"""7Geese (Paycor Performance): spec and adapter (see shared/reference/provider-apis.md)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from bot.errors import KudosError, PartiallySent
from bot.models import Person, Recognition, Sent, Value
from bot.platforms.api import PlatformApi
from bot.platforms.fields import full_name, obj, require_object, text
from bot.platforms.paging import NextPage, Paging, fetch_page
from bot.platforms.providers import sevengeese_graphql as graph
from bot.platforms.spec import GIVEN_PAGE_SIZE, ProviderSpec, RecentPage, involving, walk_given

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
    paging=Paging("links", items="results"),  # Django REST framework: {next, previous}
    pkce=True,
    value_label="badge",
    values_label="badges",
)

# Every assumption not confirmed by public documentation, in one place (listed in the README).
ASSUMED = {
    "send": "/api/v/2.0/recognitions/",  # POST: one recognition per recipient, JSON:
    "send_recipient": "recipient",  # the profile pk
    "send_badge": "badge",  # the badge pk, or null
    "send_message": "message",
    "profile_id": "id",  # userprofiles/me/: the profile pk (what `recipient` takes)
    "profile_user": "user",
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "title": "position",
    "avatar": "avatar",
    "side_id": "id",  # creator.id / recipient.id of a listed recognition: the profile pk
    "badge_url": "/api/v/2.0/badges/{pk}/",  # the listed `badge` URL ends with the badge pk
    "recognition_page": "/recognition/{id}/",  # the web page of a recognition
    **graph.ASSUMED,
}
A = ASSUMED
ME = "/api/v/2.0/userprofiles/me/"
RECOGNITIONS = "/api/v/2.0/recognitions/"
DATE_FILTER = "created__date"  # confirmed; the only filter the adapter uses
RECENT_PAGE = "20"  # of the whole network's recognitions: no filter by person is confirmed
ZONE_MARGIN = timedelta(hours=14)  # `__date` is in 7Geese's time zone, within ±14 h of UTC
MAX_DAYS = 8
BADGE_PK = re.compile(re.escape(A["badge_url"]).replace(re.escape("{pk}"), r"(\d+)") + "$")


def _body(value: Any) -> Mapping[str, Any]:
    return require_object(value, SPEC.display_name)


def _as_pk(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def badge_pk(value: Any) -> str | None:
    """The pk in a listed `badge` (its URL; a bare pk is taken as is)."""
    found = text(value)
    if found is None or found.isdigit():
        return found
    matched = BADGE_PK.search(urlsplit(found).path)
    return matched[1] if matched else None


def window_days(since: float, now: float) -> list[str]:
    """The dates (newest first) on which something created since `since` can be filed."""
    first = (datetime.fromtimestamp(since, UTC) - ZONE_MARGIN).date()
    last = (datetime.fromtimestamp(now, UTC) + ZONE_MARGIN).date()
    count = min((last - first).days + 1, MAX_DAYS)
    return [(last - timedelta(days=n)).isoformat() for n in range(count)]


class SevenGeese:
    """Adapter: REST for the profile and recognitions, GraphQL for people and badges."""

    spec = SPEC

    def __init__(self, api: PlatformApi) -> None:
        self._api = api

    async def whoami(self, token: str) -> Person:
        profile = _body(await self._api.call("GET", ME, token))
        user = obj(profile.get(A["profile_user"]))
        return Person(
            id=text(profile.get(A["profile_id"])) or "",
            name=_name_of(user),
            email=text(user.get(A["email"])),
            title=text(profile.get(A["title"])),
            image_url=text(profile.get(A["avatar"])),
        )

    async def find_by_email(self, token: str, email: str) -> Person | None:
        return await graph.find_profile(graph.asker(self._api, token), email)

    async def _badges(self, token: str) -> list[Mapping[str, Any]]:
        return await graph.all_badges(graph.asker(self._api, token))

    async def list_values(self, token: str) -> list[Value]:
        return [
            Value(id=text(n.get("pk")) or "", name=text(n.get("name")) or "")
            for n in await self._badges(token)
            if n.get("active", True) and n.get("pk") is not None
        ]

    async def send(
        self, token: str, recipients: Sequence[str], message: str, value: Value | None
    ) -> Sent:
        """One recognition per recipient (the API takes one); the first is the one linked."""
        sent: list[Sent] = []
        for recipient in recipients:
            payload = {
                A["send_recipient"]: _as_pk(recipient),
                A["send_message"]: message,
                A["send_badge"]: _as_pk(value.id) if value else None,
            }
            try:
                created = _body(await self._api.call("POST", A["send"], token, json=payload))
            except KudosError as error:
                if not sent:
                    raise
                raise PartiallySent(
                    "partly_sent", sent=len(sent), total=len(recipients), name=SPEC.display_name
                ) from error
            sent.append(Sent(id=text(created.get("id")), url=self._page_of(created.get("id"))))
        return sent[0] if sent else Sent()

    async def recent(self, token: str, person_id: str, at: NextPage | None) -> RecentPage:
        """A page of the network's recognitions, keeping what `person_id` gave or received."""
        first = NextPage(RECOGNITIONS, {"limit": RECENT_PAGE})
        page = await fetch_page(self._api, SPEC.paging, RECOGNITIONS, at or first, token)
        items = involving([self._read(item) for item in page.items], person_id)
        if any(item.value_id for item in items):
            badges = {text(n.get("pk")): text(n.get("name")) for n in await self._badges(token)}
            items = [item.model_copy(update={"value": badges.get(item.value_id)}) for item in items]
        return RecentPage(items, page.next, page.previous)

    async def given(self, token: str, person_id: str, since: float) -> list[Recognition]:
        """Day by day (the confirmed `created__date` filter), keeping what `person_id` gave."""
        found: list[Recognition] = []
        for day in window_days(since, datetime.now(UTC).timestamp()):
            first = NextPage(RECOGNITIONS, {DATE_FILTER: day, "limit": GIVEN_PAGE_SIZE})
            found += await walk_given(self._api, SPEC, first, token, self._read, person_id, since)
        return found

    def _page_of(self, recognition_id: Any) -> str | None:
        found = text(recognition_id)
        return self._api.url(A["recognition_page"].format(id=found)) if found else None

    def _read(self, item: Any) -> Recognition:
        body = _body(item)
        return to_recognition(body, self._page_of(body.get("id")))


def _name_of(user: Mapping[str, Any]) -> str:
    return full_name(user.get(A["first_name"]), user.get(A["last_name"]), user.get(A["email"]))


def _side(item: Mapping[str, Any], key: str) -> tuple[str, str | None]:
    """The name and profile pk of a recognition's `creator` or `recipient`."""
    side = obj(item.get(key))
    return _name_of(obj(side.get(A["profile_user"]))), text(side.get(A["side_id"]))


def to_recognition(item: Mapping[str, Any], url: str | None = None) -> Recognition:
    giver, giver_id = _side(item, "creator")
    recipient, recipient_id = _side(item, "recipient")
    return Recognition(
        id=text(item.get("id")) or "",
        giver=giver,
        giver_id=giver_id,
        recipients=[recipient],
        recipient_ids=[recipient_id or ""],
        message=text(item.get("message")) or "",
        value_id=badge_pk(item.get("badge")),
        created=text(item.get("created")),
        url=url,
    )


def adapter(api: PlatformApi) -> SevenGeese:
    return SevenGeese(api)
