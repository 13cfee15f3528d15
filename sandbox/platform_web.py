"""HTTP helpers of the simulated platform: its errors, bodies and pages."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from urllib.parse import parse_qsl, unquote_plus

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.platform_data import Json, page_of

FORM = "application/x-www-form-urlencoded"


def json_error(status: int, error: str, description: str = "") -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description or error}, status)


def base_of(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def form_of(request: Request) -> list[tuple[str, str]] | None:
    """The urlencoded body as pairs; None when the body is not a form."""
    if not request.headers.get("content-type", "").startswith(FORM):
        return None
    try:
        return parse_qsl((await request.body()).decode(), keep_blank_values=True)
    except UnicodeDecodeError:
        return None


async def json_object(request: Request) -> Json | None:
    """The body as a JSON object; None when it is not one."""
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def client_auth(request: Request, fields: Mapping[str, str]) -> tuple[str, str] | None:
    """(client_id, client_secret) from HTTP Basic, decoded as RFC 6749 §2.3.1 says (base64, split
    on the first ":", each part form-decoded), else from the body's fields; None if absent."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        user, sep, password = decoded.partition(":")
        return (unquote_plus(user), unquote_plus(password)) if sep else None
    if "client_id" in fields and "client_secret" in fields:
        return fields["client_id"], fields["client_secret"]
    return None


def paged(request: Request, items: list[Json], cap: int | None = None) -> Response:
    """`page` and `pageSize` from the query, as an Open API paged collection (sizes above `cap`
    are served as `cap`)."""
    try:
        page = int(request.query_params.get("page", "1"))
        size = int(request.query_params.get("pageSize", "10"))
    except ValueError:
        page = size = 0
    if page < 1 or not 1 <= size <= 100:
        return json_error(400, "invalid_request", "page must be >= 1, pageSize 1..100")
    size = size if cap is None else min(size, cap)

    def link(n: int) -> str:
        return str(request.url.include_query_params(page=n, pageSize=size))

    return JSONResponse(page_of(items, page, size, link))
