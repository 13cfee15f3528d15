"""7Geese's JSON views, as the simulated network (and the tests' fake) answer them: profiles,
badges, GraphQL answers, DRF pages."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

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


STRING = r'"((?:[^"\\]|\\.)*)"'
PROFILES = re.compile(r"\bprofiles\s*\(\s*user_Email\s*:\s*(?:\$(\w+)|" + STRING + r")\s*\)")
BADGES_QUERY = re.compile(r"\bbadges\s*(?:\(([^)]*)\))?")
ARGUMENT = re.compile(r"(\w+)\s*:\s*(?:\$(\w+)|(\d+)|" + STRING + r")")
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


def graphql(
    query: str,
    variables: Mapping[str, Any],
    people: Iterable[Member],
    badges: list[Badge],
    base: str,
) -> Json:
    """Answer the two supported queries: profiles(user_Email:) and badges(first:, after:)."""
    data: Json = {}
    if found := PROFILES.search(query):
        email = variables.get(found[1]) if found[1] else _literal(found[2])
        if not isinstance(email, str):
            return {"errors": [{"message": "user_Email must be a String"}]}
        nodes = [_profile_node(p, base) for p in people if p.email.lower() == email.lower()]
        data["profiles"] = {"edges": [{"node": n} for n in nodes]}
    if found := BADGES_QUERY.search(query):
        page = badges_page(badges, _arguments(found[1] or "", variables))
        if isinstance(page, str):
            return {"errors": [{"message": page}]}
        data["badges"] = page
    if not data:
        return {"errors": [{"message": "Unknown query: the fake knows profiles and badges"}]}
    return {"data": data}


def _arguments(text: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    """A field's arguments, with $variables replaced by their values."""
    found: dict[str, Any] = {}
    for name, variable, number, string in ARGUMENT.findall(text):
        if variable:
            found[name] = variables.get(variable)
        else:
            found[name] = int(number) if number else _literal(string)
    return found


def badges_page(badges: list[Badge], arguments: Mapping[str, Any]) -> Json | str:
    """A Relay page of `badges`: `first` of them after the cursor `after` (the pk it follows)."""
    first, after = arguments.get("first", len(badges)), arguments.get("after")
    if type(first) is not int or first < 0:
        return "first must be a non-negative Int"
    cursors = [str(pk) for pk, _, _ in badges]
    if after is not None and str(after) not in cursors:
        return "after is not a cursor of badges"
    start = 0 if after is None else cursors.index(str(after)) + 1
    chunk = badges[start : start + first]
    nodes = [{"pk": pk, "name": name, "active": on} for pk, name, on in chunk]
    info = {
        "hasNextPage": start + first < len(badges),
        "endCursor": cursors[start + len(chunk) - 1] if chunk else None,
    }
    return {"edges": [{"node": n} for n in nodes], "pageInfo": info}


def _literal(text: str) -> str | None:
    """A GraphQL string literal's value (its escapes are JSON's), or None if malformed."""
    try:
        value = json.loads(f'"{text}"')
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _profile_node(person: Member, base: str) -> Json:
    return {
        "pk": int(person.id),
        "fullName": f"{person.first} {person.last}",
        "user": {"email": person.email},
        "position": person.title,
        "profileImageUrl": picture(person, base),
    }


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
