"""bot/platforms/paging.py: next links stay on the platform's host; pages are walked to the end."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.platforms.api import PlatformApi
from bot.platforms.paging import Paging, iterate, same_host_path
from testkit.fakes.server import serve

LINKS_IN_PAGING = Paging("links", items="items", links="paging")
REPO = Path(__file__).resolve().parents[3]
QUERY_LINK = "evil.example/api?next=https://x.example"
SAME_HOST: list[tuple[str | None, str | None]] = [
    (None, None),
    ("", None),
    (
        "https://example.achievers.com/api/v5/users?page=2&pageSize=5",
        "/api/v5/users?page=2&pageSize=5",
    ),
    ("https://evil.example/steal?x=1", "/steal?x=1"),
    ("https://user:pw@evil.example:8443/p", "/p"),
    ("http://evil.example", "/"),
    ("example.achievers.com/endpoint?page=3", "/endpoint?page=3"),
    ("evil.example/api/v5/users", "/api/v5/users"),
    ("/api/v5/users?page=2", "/api/v5/users?page=2"),
    ("//evil.example/x?y=1", "/x?y=1"),
    ("/api/v5/users?next=https://x.example", "/api/v5/users?next=https://x.example"),
]


@pytest.mark.parametrize(
    ("link", "expected"),
    [*SAME_HOST, (QUERY_LINK, "/api?next=https://x.example")],
)
def test_same_host_path(link: str | None, expected: str | None) -> None:
    assert same_host_path(link) == expected


@pytest.mark.parametrize("link", [*(link for link, _ in SAME_HOST if link), QUERY_LINK])
def test_followed_links_never_leave_the_platform(link: str) -> None:
    """Whatever the link says, the request goes to the configured base URL's host."""
    api = PlatformApi(httpx.AsyncClient(), "https://example.sandbox.achievers.com", "X")
    path = same_host_path(link)
    assert path is not None
    assert httpx.URL(api.url(path)).host == "example.sandbox.achievers.com"


@dataclass
class Pages:
    """A loopback collection in the Achievers shape; `last` is the last page (None: endless)."""

    base_url: str = ""
    last: int | None = 3
    seen: list[tuple[str, str]] = field(default_factory=list)

    def next_link(self, page: int) -> str:
        """Each page writes its next link in another of the documented forms."""
        forms = [
            f"https://elsewhere.invalid/api/v5/users?page={page + 1}",
            f"example.achievers.com/api/v5/users?page={page + 1}",
            f"/api/v5/users?page={page + 1}",
        ]
        return forms[page % len(forms)]

    async def users(self, request: Request) -> JSONResponse:
        self.seen.append((str(request.url.query), request.headers.get("authorization", "")))
        page = int(request.query_params.get("page", "1"))
        paging: dict[str, Any] = {"page": page, "pageSize": 2}
        if self.last is None or page < self.last:
            paging["next"] = self.next_link(page)
        return JSONResponse({"paging": paging, "items": [f"p{page}a", f"p{page}b"]})


@pytest.fixture(scope="module")
def served() -> Iterator[Pages]:
    pages = Pages()
    with serve(Starlette(routes=[Route("/api/v5/users", pages.users)])) as url:
        pages.base_url = url
        yield pages


@pytest.fixture
def pages(served: Pages) -> Pages:
    served.seen.clear()
    served.last = 3
    return served


@pytest.fixture
async def api(pages: Pages) -> AsyncIterator[PlatformApi]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield PlatformApi(client, pages.base_url, "X")


async def collect(api: PlatformApi, max_pages: int = 50) -> list[Any]:
    walk = iterate(api, LINKS_IN_PAGING, "/api/v5/users", "tok", {"q": "ana"}, max_pages=max_pages)
    return [item async for item in walk]


async def test_iterate_walks_every_page(api: PlatformApi, pages: Pages) -> None:
    assert await collect(api) == ["p1a", "p1b", "p2a", "p2b", "p3a", "p3b"]
    assert [query for query, _ in pages.seen] == ["q=ana", "page=2", "page=3"]
    assert {auth for _, auth in pages.seen} == {"Bearer tok"}


@pytest.mark.parametrize("max_pages", [1, 2, 5])
async def test_iterate_stops_at_max_pages(api: PlatformApi, pages: Pages, max_pages: int) -> None:
    pages.last = None
    items = await collect(api, max_pages=max_pages)
    assert len(items) == 2 * max_pages
    assert len(pages.seen) == max_pages


def test_paging_imports_on_its_own() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import bot.platforms.paging"],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
