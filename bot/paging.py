"""One async iterator over every platform's paging shape; shapes are a table, not branches."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from bot.api import PlatformApi

Page = tuple[list[Any], str | None]
PagingStyle = Literal["achievers"]
ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def same_host_path(link: str | None) -> str | None:
    """Keep only path and query of a next link, so a token never follows it to another host."""
    if not link:
        return None
    if not ABSOLUTE.match(link) and not link.startswith("/"):
        link = f"//{link}"  # Achievers documents scheme-less links: host/path?query
    parts = urlsplit(link)
    return f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"


def _achievers_page(body: Mapping[str, Any]) -> Page:
    """`{paging: {next?}, items}`: `next` is absent on the last page."""
    items = body.get("items") or []
    paging = body.get("paging") or {}
    return list(items), same_host_path(paging.get("next"))


PAGE_READERS: dict[PagingStyle, Callable[[Mapping[str, Any]], Page]] = {
    "achievers": _achievers_page,
}


async def iterate(
    api: PlatformApi,
    style: PagingStyle,
    path: str,
    token: str,
    params: Mapping[str, str] | None = None,
    max_pages: int = 50,
) -> AsyncIterator[Any]:
    """Yield every item of a paged collection, following the platform's own next links."""
    read_page = PAGE_READERS[style]
    url: str | None = path
    query: Mapping[str, str] | None = params
    for _ in range(max_pages):
        if url is None:
            return
        body = await api.call("GET", url, token, params=query)
        items, url = read_page(body if isinstance(body, Mapping) else {})
        query = None  # next links carry their own query string
        for item in items:
            yield item
