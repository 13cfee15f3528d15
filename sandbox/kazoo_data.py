"""YouEarnedIt's JSON views, paging and validation, as the simulated company (and the tests'
fake) answer them (v3 paths are ASSUMED)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.people import Json, Member

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
COMPANY_VALUES = [
    {"id": 11, "name": "Integrity"},
    {"id": 12, "name": "Teamwork"},
    {"id": 13, "name": "Innovation"},
]
TOKEN_PARAMS = {
    *("grant_type", "scope", "code", "redirect_uri", "refresh_token"),
    *("client_id", "client_secret"),
}


def errors(status: int, *messages: str) -> JSONResponse:
    """The API's error body."""
    return JSONResponse({"errors": list(messages)}, status_code=status)


LISTING_PARAMS = {"page", "page_size"}  # every paged GET takes these (ASSUMED) ...
FILTERS = {"/api/v3/users": {"email"}, "/api/v3/recognitions": {"user_id"}}  # ... and these


def user_json(person: Member, base: str, *, email: bool = True) -> Json:
    """A user (ASSUMED shape); `email` is left out when the platform does not expose it."""
    view: Json = {"id": int(person.id), "first_name": person.first, "last_name": person.last}
    view |= {"title": person.title, "department": person.department}
    view["avatar_url"] = f"{base}/avatars/{person.id}.png"
    return view | {"email": person.email} if email else view


def unknown_params(request: Request) -> JSONResponse | None:
    """400 for a query parameter this listing doesn't take (the guide: invalid parameters)."""
    known = LISTING_PARAMS | FILTERS.get(request.url.path, set())
    unknown = sorted(set(request.query_params) - known)
    return errors(400, f"unknown parameter: {', '.join(unknown)}") if unknown else None


def recognition_json(record: Json, base: str) -> Json:
    """A recognition as the API answers it."""
    value = record["value"]
    return {
        "id": record["id"],
        "sender_id": int(record["sender"]),
        "recipient_ids": [int(r) for r in record["recipients"]],
        "message": record["message"],
        "company_value_id": None if value is None else int(value),
        "created_at": record["created"],
        "url": f"{base}/recognitions/{record['id']}",
    }


def recipients_of(body: Json) -> list[str] | None:
    """`recipient_ids` as person ids (ints or numeric strings, duplicates dropped), or None."""
    ids = body.get("recipient_ids")
    if not isinstance(ids, list) or not ids:
        return None
    if not all(type(i) is int or (isinstance(i, str) and i.isdigit()) for i in ids):
        return None
    return list(dict.fromkeys(str(int(i)) for i in ids))


def invalid_recognition(body: Json, sender: str, people: Mapping[str, Member]) -> list[str]:
    """Why a POSTed recognition is unprocessable (empty when it is valid)."""
    recipients = recipients_of(body)
    if recipients is None:
        return ["recipient_ids must be a non-empty list of user ids"]
    problems = [f"unknown recipient {r}" for r in recipients if r not in people]
    if sender in recipients:
        problems.append("you cannot recognize yourself")
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        problems.append("message can't be blank")
    value = body.get("company_value_id")
    if value is not None and value not in [v["id"] for v in COMPANY_VALUES]:
        problems.append(f"company_value_id {value!r} is not a company value")
    return problems


def involves(record: Json, user_id: str | None) -> bool:
    """Whether `user_id` gave or received the recognition (everything when None)."""
    return user_id is None or user_id in (record["sender"], *record["recipients"])


def _number(params: Mapping[str, Any], name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except ValueError:
        return 0


def paged(request: Request, items: list[Json], cap: int | None = None) -> Response:
    """`{page, page_size, page_count, count, data}`; `page`/`page_size` query parameters (sizes
    above `cap` are served as `cap`)."""
    page = _number(request.query_params, "page", 1)
    size = _number(request.query_params, "page_size", DEFAULT_PAGE_SIZE)
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        return errors(400, f"page must be >= 1 and page_size 1..{MAX_PAGE_SIZE}")
    size = size if cap is None else min(size, cap)
    return JSONResponse(
        {
            "page": page,
            "page_size": size,
            "page_count": math.ceil(len(items) / size),
            "count": len(items),
            "data": items[(page - 1) * size : page * size],
        }
    )
