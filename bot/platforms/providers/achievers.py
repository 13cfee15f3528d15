"""Achievers Open API v5: spec and adapter (see shared/reference/provider-apis.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.errors import InvalidInput
from bot.models import Person, Recognition, Sent, Value
from bot.platforms.api import PlatformApi
from bot.platforms.fields import full_name, obj, objects, require_object, text
from bot.platforms.paging import NextPage, Paging, fetch_page, iterate
from bot.platforms.spec import GIVEN_PAGE_SIZE, ProviderSpec, RecentPage, involving, walk_given

SPEC = ProviderSpec(
    name="achievers",
    display_name="Achievers",
    authorize_path="/oauth/v2/openIDConnectClient/authorize",
    token_path="/oauth/v2/openIDConnectClient/token",
    default_scope="read write",
    token_encoding="json",
    client_auth="client_secret_post",
    expiry="seconds_or_epoch",
    paging=Paging("links", items="items", links="paging"),
    send_redirect_uri=False,  # the redirect URI is the one the program admin registered
    refresh_margin=2 * 3600,  # "re-request within 2 hours of expiry"
    value_required=True,
    value_label="criterion",
    values_label="criteria",
)

# Every assumption not confirmed by public documentation, in one place (listed in the README).
ASSUMED = {
    "member_email_field": "emailAddress",  # on /current-member and /users items
    "page_size_param": "pageSize",  # on GET /api/v5/users and /recognitions
    "recognitions_user_filter": "userId",  # on GET /api/v5/recognitions: given or received
    # A listed recognition (field names follow the public tutorial, not a reference):
    "giver": "nominator",  # {id, name}
    "recipients": "nominees",  # [{id, name}]
    "side_id": "id",
    "side_name": "name",
    "message": "recognitionText",
    "criterion": "criterion",  # {id, name}
    "created": "dateCreated",
    "link": "newsfeedEventURL",  # confirmed on the send answer, assumed on listed ones
}
A = ASSUMED

RECENT_PAGE = "5"
CURRENT_MEMBER = "/api/v5/current-member"
USERS = "/api/v5/users"
RECOGNITIONS = "/api/v5/recognitions"


def _mapping(body: Any) -> Mapping[str, Any]:
    return require_object(body, SPEC.display_name)


def to_person(member: Mapping[str, Any]) -> Person:
    """An Achievers user object as the bot's `Person`."""
    return Person(
        id=text(member.get("id")) or "",
        name=full_name(member.get("firstName"), member.get("lastName"), member.get("username")),
        email=text(member.get(A["member_email_field"])),
        image_url=text(member.get("profileImageUrl")),
    )


def to_value(criterion: Mapping[str, Any]) -> Value:
    """A criterion of a recognition module (points where the program sets them)."""
    points = criterion.get("points")
    return Value(
        id=text(criterion.get("id")) or "",
        name=text(criterion.get("name")) or "",
        description=text(criterion.get("description")),
        points=points if isinstance(points, int) else None,
    )


def to_recognition(item: Mapping[str, Any]) -> Recognition:
    """A listed recognition (field names assumed, see README)."""
    giver, nominees = obj(item.get(A["giver"])), objects(item.get(A["recipients"]))
    criterion = obj(item.get(A["criterion"]))
    return Recognition(
        id=text(item.get("id")) or "",
        giver=text(giver.get(A["side_name"])),
        giver_id=text(giver.get(A["side_id"])),
        recipients=[text(n.get(A["side_name"])) or "" for n in nominees],
        recipient_ids=[text(n.get(A["side_id"])) or "" for n in nominees],
        message=text(item.get(A["message"])) or "",
        value=text(criterion.get(A["side_name"])),
        value_id=text(criterion.get(A["side_id"])),
        created=text(item.get(A["created"])),
        url=text(item.get(A["link"])),
    )


def _read(item: Any) -> Recognition:
    return to_recognition(_mapping(item))


class Achievers:
    """Adapter: who am I, find by e-mail, criteria, send."""

    spec = SPEC

    def __init__(self, api: PlatformApi) -> None:
        self._api = api

    async def whoami(self, token: str) -> Person:
        return to_person(_mapping(await self._api.call("GET", CURRENT_MEMBER, token)))

    async def find_by_email(self, token: str, email: str) -> Person | None:
        params = {"q": email, A["page_size_param"]: "50"}
        async for member in iterate(self._api, SPEC.paging, USERS, token, params, max_pages=5):
            person = to_person(_mapping(member))
            if person.email and person.email.casefold() == email.casefold():
                return person
        return None

    async def list_values(self, token: str) -> list[Value]:
        body = _mapping(await self._api.call("OPTIONS", RECOGNITIONS, token))
        criteria = [
            c for module in objects(body.get("items")) for c in objects(module.get("criteria"))
        ]
        return [to_value(criterion) for criterion in criteria if "id" in criterion]

    async def send(
        self, token: str, recipients: Sequence[str], message: str, value: Value | None
    ) -> Sent:
        if value is None:
            raise InvalidInput("Achievers needs a criterion for every recognition.")
        form = {
            "nominees": list(recipients),
            "recognitionText": message,
            "criterionId": value.id,
            "useUserIds": "true",
        }
        body = _mapping(await self._api.call("POST", RECOGNITIONS, token, data=form))
        return Sent(id=text(body.get("id")), url=text(body.get(A["link"])))

    async def recent(self, token: str, person_id: str, at: NextPage | None) -> RecentPage:
        params = {A["recognitions_user_filter"]: person_id, A["page_size_param"]: RECENT_PAGE}
        page = await fetch_page(
            self._api, SPEC.paging, RECOGNITIONS, at or NextPage(RECOGNITIONS, params), token
        )
        items = [_read(item) for item in page.items]
        return RecentPage(involving(items, person_id), page.next, page.previous)

    async def given(self, token: str, person_id: str, since: float) -> list[Recognition]:
        params = {A["recognitions_user_filter"]: person_id, A["page_size_param"]: GIVEN_PAGE_SIZE}
        first = NextPage(RECOGNITIONS, params)
        return await walk_given(self._api, SPEC, first, token, _read, person_id, since)


def adapter(api: PlatformApi) -> Achievers:
    return Achievers(api)
