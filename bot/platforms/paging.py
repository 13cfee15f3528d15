"""One async iterator over every paging shape; each spec picks a shape and names its fields."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from bot.errors import InvalidInput
from bot.platforms.api import PlatformApi

Params = dict[str, str]
ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
Shape = Literal["links", "numbered", "cursor"]


@dataclass(frozen=True)
class Paging:
    """How a platform pages its listings: the shape, and the names its pages use (spec data)."""

    shape: Shape
    items: str  # the field that holds a page's items
    links: str = ""  # links: the object holding `next`/`previous` ("": the body itself)
    param: str = ""  # numbered, cursor: the query parameter that asks for a page
    cursor: tuple[str, ...] = ()  # cursor: where in the body the next page's cursor is


@dataclass(frozen=True)
class NextPage:
    """Where the next page is: a path (None = the same path) and its query parameters."""

    path: str | None
    params: Params | None


@dataclass(frozen=True)
class OnePage:
    """One page of a listing and where its neighbours are (None: there is none that way)."""

    items: list[Any]
    next: NextPage | None
    previous: NextPage | None


def same_host_path(link: str | None) -> str | None:
    """Keep only path and query of a next link, so a token never follows it to another host."""
    if not link:
        return None
    if not ABSOLUTE.match(link) and not link.startswith("/"):
        link = f"//{link}"  # some platforms document scheme-less links: host/path?query
    parts = urlsplit(link)
    return f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"


def _follow(link: Any) -> NextPage | None:
    path = same_host_path(link) if isinstance(link, str) else None
    return None if path is None else NextPage(path, None)


def _items(body: Mapping[str, Any], key: str) -> list[Any]:
    items = body.get(key)
    return list(items) if isinstance(items, list) else []


def _links_page(paging: Paging, body: Mapping[str, Any], params: Params) -> OnePage:
    """Links to the next and previous pages, absent or null at the ends."""
    found = body.get(paging.links) if paging.links else body
    links = found if isinstance(found, Mapping) else {}
    return OnePage(
        _items(body, paging.items), _follow(links.get("next")), _follow(links.get("previous"))
    )


def _numbered_page(paging: Paging, body: Mapping[str, Any], params: Params) -> OnePage:
    """`{page, page_count}`: pages numbered from 1, asked for by `paging.param`."""
    page, count, items = body.get("page"), body.get("page_count"), _items(body, paging.items)
    if not (isinstance(page, int) and isinstance(count, int)):
        return OnePage(items, None, None)
    later = NextPage(None, {**params, paging.param: str(page + 1)}) if page < count else None
    earlier = NextPage(None, {**params, paging.param: str(page - 1)}) if page > 1 else None
    return OnePage(items, later, earlier)


def _cursor_page(paging: Paging, body: Mapping[str, Any], params: Params) -> OnePage:
    """Forward only: the body names the next page's cursor, and none (or the same) at the end."""
    after: Any = body
    for key in paging.cursor:
        after = after.get(key) if isinstance(after, Mapping) else None
    more = isinstance(after, str) and after != params.get(paging.param)
    later = NextPage(None, {**params, paging.param: str(after)}) if more else None
    return OnePage(_items(body, paging.items), later, None)


PAGE_READERS: dict[Shape, Callable[[Paging, Mapping[str, Any], Params], OnePage]] = {
    "links": _links_page,
    "numbered": _numbered_page,
    "cursor": _cursor_page,
}


async def iterate(
    api: PlatformApi,
    paging: Paging,
    path: str,
    token: str,
    params: Mapping[str, str] | None = None,
    max_pages: int = 50,
) -> AsyncIterator[Any]:
    """Yield every item of a paged collection, page after page, as the platform pages."""
    where: NextPage | None = NextPage(path, dict(params or {}))
    for _ in range(max_pages):
        if where is None:
            return
        page = await fetch_page(api, paging, path, where, token)
        where = page.next
        for item in page.items:
            yield item


async def fetch_page(
    api: PlatformApi, paging: Paging, path: str, where: NextPage, token: str
) -> OnePage:
    """One page of the listing at `path`; `where` may only move within that listing."""
    target = where.path or path
    if target.split("?")[0] != path.split("?")[0]:
        raise InvalidInput("That page isn't available. Run the command again.")
    query = where.params or {}
    body = await api.call("GET", target, token, params=query or None)
    return PAGE_READERS[paging.shape](paging, body if isinstance(body, Mapping) else {}, query)


async def first(items: AsyncIterator[Any], limit: int) -> list[Any]:
    """At most `limit` items, fetching no more pages than that needs."""
    taken: list[Any] = []
    async for item in items:
        if len(taken) >= limit:
            break
        taken.append(item)
    return taken
