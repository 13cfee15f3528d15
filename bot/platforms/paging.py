"""One async iterator over every platform's paging shape; shapes are a table, not branches."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from bot.errors import InvalidInput
from bot.platforms.api import PlatformApi

PagingStyle = Literal["achievers", "drf", "kazoo", "cultureamp"]
Params = dict[str, str]
ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
KAZOO_PAGE_PARAM = "page"  # the page number YouEarnedIt is asked for (assumed: kazoo.ASSUMED)


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
        link = f"//{link}"  # Achievers documents scheme-less links: host/path?query
    parts = urlsplit(link)
    return f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"


def _follow(link: Any) -> NextPage | None:
    path = same_host_path(link) if isinstance(link, str) else None
    return None if path is None else NextPage(path, None)


def _items(body: Mapping[str, Any], key: str) -> list[Any]:
    items = body.get(key)
    return list(items) if isinstance(items, list) else []


def _achievers_page(body: Mapping[str, Any], params: Params) -> OnePage:
    """`{paging: {next?, previous?}, items}`: the links are absent where there is no page."""
    paging = body.get("paging")
    links = paging if isinstance(paging, Mapping) else {}
    return OnePage(
        _items(body, "items"), _follow(links.get("next")), _follow(links.get("previous"))
    )


def _drf_page(body: Mapping[str, Any], params: Params) -> OnePage:
    """Django REST framework: `{count, next, previous, results}`, links null at the ends."""
    return OnePage(
        _items(body, "results"), _follow(body.get("next")), _follow(body.get("previous"))
    )


def _kazoo_page(body: Mapping[str, Any], params: Params) -> OnePage:
    """`{page, page_size, page_count, count, data}`: pages are numbered from 1."""
    page, count = body.get("page"), body.get("page_count")
    if not (isinstance(page, int) and isinstance(count, int)):
        return OnePage(_items(body, "data"), None, None)
    later = NextPage(None, {**params, KAZOO_PAGE_PARAM: str(page + 1)}) if page < count else None
    earlier = NextPage(None, {**params, KAZOO_PAGE_PARAM: str(page - 1)}) if page > 1 else None
    return OnePage(_items(body, "data"), later, earlier)


def _cultureamp_page(body: Mapping[str, Any], params: Params) -> OnePage:
    """`{data, pagination?: {afterKey}}`: forward only; `pagination` is absent at the end."""
    pagination = body.get("pagination")
    after = pagination.get("afterKey") if isinstance(pagination, Mapping) else None
    more = isinstance(after, str) and after != params.get("cursor")
    later = NextPage(None, {**params, "cursor": str(after)}) if more else None
    return OnePage(_items(body, "data"), later, None)


PAGE_READERS: dict[PagingStyle, Callable[[Mapping[str, Any], Params], OnePage]] = {
    "achievers": _achievers_page,
    "drf": _drf_page,
    "kazoo": _kazoo_page,
    "cultureamp": _cultureamp_page,
}


async def iterate(
    api: PlatformApi,
    style: PagingStyle,
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
        page = await fetch_page(api, style, path, where, token)
        where = page.next
        for item in page.items:
            yield item


async def fetch_page(
    api: PlatformApi, style: PagingStyle, path: str, where: NextPage, token: str
) -> OnePage:
    """One page of the listing at `path`; `where` may only move within that listing."""
    target = where.path or path
    if target.split("?")[0] != path.split("?")[0]:
        raise InvalidInput("That page isn't available. Run the command again.")
    query = where.params or {}
    body = await api.call("GET", target, token, params=query or None)
    return PAGE_READERS[style](body if isinstance(body, Mapping) else {}, query)


async def first(items: AsyncIterator[Any], limit: int) -> list[Any]:
    """At most `limit` items, fetching no more pages than that needs."""
    taken: list[Any] = []
    async for item in items:
        if len(taken) >= limit:
            break
        taken.append(item)
    return taken
