"""Adding a platform is one module and one registry line: shared code names no platform."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.platforms.registry import MODULES, PLATFORM_NAMES, build_registry
from bot.settings import Settings, with_platforms
from testkit.fakes.server import serve
from tests.unit.platforms import tinyco

BOT = Path(__file__).resolve().parents[3] / "bot"
PROVIDERS = BOT / "platforms" / "providers"
REGISTRY = BOT / "platforms" / "registry.py"
OTHER_NAMES = ("7geese", "paycor", "youearnedit", "culture amp", "cultureamp", "kazoohr")
NAMED = re.compile("|".join(re.escape(name) for name in {*PLATFORM_NAMES, *OTHER_NAMES}), re.I)
THE_REGISTRY_LINE = re.compile(r"^(from bot\.platforms\.providers import |MODULES: )")


def shared_lines() -> Iterator[tuple[str, str]]:
    """Every line of bot/ outside the providers' own modules and the registry line."""
    for path in sorted(BOT.rglob("*.py")):
        if PROVIDERS in path.parents:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if not (path == REGISTRY and THE_REGISTRY_LINE.match(line)):
                yield f"{path.relative_to(BOT.parent)}:{number}", line


def test_no_platform_is_named_in_shared_code() -> None:
    named = [f"{where}: {line.strip()}" for where, line in shared_lines() if NAMED.search(line)]
    assert named == []


def test_the_scan_sees_a_platform_name() -> None:
    assert NAMED.search('PagingStyle = Literal["achievers", "drf"]')
    assert NAMED.search("KAZOO_PAGE_PARAM = 'page'")
    registry_lines = [line for line in REGISTRY.read_text().splitlines() if NAMED.search(line)]
    assert [bool(THE_REGISTRY_LINE.match(line)) for line in registry_lines] == [True, True]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.chdir(tmp_path)  # no .env
    platforms = tuple(f"{name.upper()}__" for name in PLATFORM_NAMES)
    for name in os.environ:
        if name.upper().startswith(platforms):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    return monkeypatch


@pytest.fixture(scope="module")
def tinyco_url() -> Iterator[str]:
    """TinyCo's values in pages of two, numbered from 1 and asked for by `p`."""
    rows = [{"id": n, "name": f"value {n}"} for n in range(1, 6)]

    async def values(request: Request) -> JSONResponse:
        page = int(request.query_params.get("p", "1"))
        body: dict[str, Any] = {
            "page": page,
            "page_count": 3,
            "rows": rows[2 * page - 2 : 2 * page],
        }
        return JSONResponse(body)

    with serve(Starlette(routes=[Route(tinyco.VALUES, values)])) as url:
        yield url


def test_the_existing_settings_are_the_registry_names() -> None:
    assert list(Settings.model_construct().providers()) == list(PLATFORM_NAMES)


async def test_a_new_platform_module_gets_settings_and_paging(
    env: pytest.MonkeyPatch, tinyco_url: str
) -> None:
    env.setenv("TINYCO__BASE_URL", tinyco_url)
    env.setenv("TINYCO__CLIENT_ID", "tiny-client")
    env.setenv("TINYCO__CLIENT_SECRET", "tiny-secret")
    settings = with_platforms([*PLATFORM_NAMES, tinyco.SPEC.name])()
    assert settings.providers()["tinyco"].client_id == "tiny-client"
    async with httpx.AsyncClient(timeout=5) as http:
        registry = build_registry(settings, http, [*MODULES, tinyco])
        assert registry.names() == ["tinyco"]
        values = await registry.get("TinyCo").adapter.list_values("tok")
    assert [value.name for value in values] == [f"value {n}" for n in range(1, 6)]
