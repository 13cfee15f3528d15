"""One async iterator over every platform's paging shape; shapes are a table, not branches."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from bot.api import PlatformApi

PagingStyle = Literal["achievers", "drf", "kazoo", "cultureamp"]
Params = dict[str, str]
ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class NextPage:
    """Where the next page is: a path (None = the same path) and its query parameters."""

    path: str | None
    params: Params | None


Page = tuple[list[Any], NextPage | None]


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


def _achievers_page(body: Mapping[str, Any], params: Params) -> Page:
    """`{paging: {next?}, items}`: `next` is absent on the last page."""
    paging = body.get("paging")
    link = paging.get("next") if isinstance(paging, Mapping) else None
    return _items(body, "items"), _follow(link)


def _drf_page(body: Mapping[str, Any], params: Params) -> Page:
    """Django REST framework: `{count, next, previous, results}`, `next` null at the end."""
    return _items(body, "results"), _follow(body.get("next"))


def _kazoo_page(body: Mapping[str, Any], params: Params) -> Page:
    """`{page, page_size, page_count, count, data}`: ask for `page + 1` until `page_count`."""
    page, count = body.get("page"), body.get("page_count")
    if not (isinstance(page, int) and isinstance(count, int) and page < count):
        return _items(body, "data"), None
    return _items(body, "data"), NextPage(None, {**params, "page": str(page + 1)})


def _cultureamp_page(body: Mapping[str, Any], params: Params) -> Page:
    """`{data, pagination?: {afterKey}}`: `pagination` is absent on the last page."""
    pagination = body.get("pagination")
    after = pagination.get("afterKey") if isinstance(pagination, Mapping) else None
    more = isinstance(after, str) and after != params.get("cursor")
    return _items(body, "data"), NextPage(None, {**params, "cursor": str(after)}) if more else None


PAGE_READERS: dict[PagingStyle, Callable[[Mapping[str, Any], Params], Page]] = {
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
    read_page = PAGE_READERS[style]
    where: NextPage | None = NextPage(path, dict(params or {}))
    for _ in range(max_pages):
        if where is None:
            return
        path = where.path or path
        query = where.params or {}
        body = await api.call("GET", path, token, params=query or None)
        items, where = read_page(body if isinstance(body, Mapping) else {}, query)
        for item in items:
            yield item


async def first(items: AsyncIterator[Any], limit: int) -> list[Any]:
    """At most `limit` items, fetching no more pages than that needs."""
    taken: list[Any] = []
    async for item in items:
        if len(taken) >= limit:
            break
        taken.append(item)
    return taken
