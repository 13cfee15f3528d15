"""7Geese's JSON views, as the simulated network (and the tests' fake) answer them: profiles,
badges, recognitions, DRF pages (GraphQL answers: `sevengeese_graphql`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from starlette.requests import Request

from sandbox.people import Json, Member

USER_ID_OFFSET = 5000  # user ids differ from profile pks, so mix-ups show
DEFAULT_LIMIT = 20
Badge = tuple[int, str, bool]  # pk, name, active
BADGES: list[Badge] = [
    (301, "Teamwork", True),
    (302, "Above and Beyond", True),
    (303, "Customer Love", True),
    (304, "Retired Badge", False),
]


LISTING_PARAMS = {"limit", "offset", "created__date"}  # the documented ones
SCOPE_SPLIT = re.compile(r"[\s,]+")


def allows(scope: str, needs: str) -> bool:
    """Whether a granted scope string covers `needs` (`all` covers everything)."""
    granted = set(SCOPE_SPLIT.split(scope))
    return "all" in granted or needs in granted


def user_json(person: Member) -> Json:
    """The nested `user` object (snake_case field names are assumed)."""
    return {
        "id": int(person.id) + USER_ID_OFFSET,
        "first_name": person.first,
        "last_name": person.last,
        "email": person.email,
    }


def picture(person: Member, base: str) -> str:
    return f"{base}/media/avatars/{person.id}.png"


def profile_json(person: Member, base: str) -> Json:
    """GET /api/v/2.0/userprofiles/me/: `id` is the profile pk, `user.id` differs."""
    return {
        "id": int(person.id),
        "user": user_json(person),
        "position": person.title,
        "department": None,
        "avatar": picture(person, base),
    }


def recognition_json(record: Json, people: Mapping[str, Member], base: str) -> Json:
    """A recognition as the list endpoint shows it; `badge` is the badge's URL."""
    [recipient] = record["recipients"]
    badge = record["value"]
    return {
        "id": record["id"],
        "recipient": {"id": int(recipient), "user": user_json(people[recipient])},
        "creator": {"id": int(record["sender"]), "user": user_json(people[record["sender"]])},
        "badge": f"{base}/api/v/2.0/badges/{badge}/" if badge else None,
        "message": record["message"],
        "created": record["created"],
    }


def invalid_recognition(
    body: Json, sender: str, people: Mapping[str, Member], badges: list[Badge]
) -> Json:
    """DRF-style field errors of a POSTed recognition, or {} when it is valid."""
    recipient, badge, message = body.get("recipient"), body.get("badge"), body.get("message")
    if type(recipient) is not int or str(recipient) not in people:
        return {"recipient": [f'Invalid pk "{recipient}" - object does not exist.']}
    if str(recipient) == sender:
        return {"non_field_errors": ["You cannot recognize yourself."]}
    if badge is not None and (type(badge) is not int or badge not in {b[0] for b in badges}):
        return {"badge": [f'Invalid pk "{badge}" - object does not exist.']}
    if badge is not None and not next(b[2] for b in badges if b[0] == badge):
        return {"badge": ["This badge is not active."]}
    if not isinstance(message, str) or not message.strip():
        return {"message": ["This field may not be blank."]}
    return {}


def _number(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def listing_problem(request: Request) -> Json | None:
    """DRF-style errors for parameters the reference doesn't document (a filter the adapter
    would only be guessing at fails loudly here) or a malformed `created__date`."""
    unknown = sorted(set(request.query_params) - LISTING_PARAMS)
    if unknown:
        return {"detail": f"Unknown query parameter: {', '.join(unknown)}"}
    day = request.query_params.get("created__date")
    try:
        _ = day is None or date.fromisoformat(day)
    except ValueError:
        return {"created__date": ["Enter a valid date."]}
    return None


def created_on(record: Json, day: str | None) -> bool:
    """Whether a recognition was created on `day` (UTC; every day when None)."""
    return day is None or str(record["created"])[:10] == day


def drf_page(request: Request, items: list[Json], max_limit: int | None = None) -> Json:
    """A LimitOffsetPagination page with absolute `next`/`previous` links (null at the ends)."""
    limit = _number(request.query_params.get("limit"), DEFAULT_LIMIT)
    limit = limit if limit > 0 else DEFAULT_LIMIT
    limit = limit if max_limit is None else min(limit, max_limit)
    offset = max(0, _number(request.query_params.get("offset"), 0))
    url = request.url.include_query_params(limit=limit)
    later = offset + limit < len(items)
    previous: str | None = None
    if 0 < offset <= limit:
        previous = str(url.remove_query_params("offset"))
    elif offset > limit:
        previous = str(url.include_query_params(offset=offset - limit))
    return {
        "count": len(items),
        "next": str(url.include_query_params(offset=offset + limit)) if later else None,
        "previous": previous,
        "results": items[offset : offset + limit],
    }
