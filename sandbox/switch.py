"""The page's platform switch: which simulated platform `/recognize` and `/kudos link` use.

Every simulation runs all the time and the bot has all of them enabled; switching makes another
the bot's default, as `DEFAULT_PROVIDER` would, without a restart (links on each stay)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.errors import KudosError
from bot.platforms.registry import Registry
from sandbox.page_io import refused
from sandbox.platform_web import json_object

UNKNOWN = "unknown platform: pick one the sandbox simulates"


@dataclass(frozen=True)
class PlatformSwitch:
    """The bot's registry, whose default the page switches."""

    registry: Registry

    def describe(self) -> dict[str, object]:
        """The platforms to pick from, and the one in use."""
        specs = self.registry.specs()
        choices = [{"name": spec.name, "display_name": spec.display_name} for spec in specs]
        return {"platforms": choices, "platform": self.registry.get().spec.name}

    async def state(self, request: Request) -> Response:
        return JSONResponse(self.describe())

    async def choose(self, request: Request) -> Response:
        """POST `{"platform": name}`: use that platform from now on."""
        body = await json_object(request)
        name = body.get("platform") if body is not None else None
        if not isinstance(name, str) or not name:
            return refused(400, UNKNOWN)
        try:
            self.registry.use_as_default(name)
        except KudosError:
            return refused(400, UNKNOWN)
        return JSONResponse({"ok": True} | self.describe())

    @property
    def routes(self) -> list[Route]:
        return [
            Route("/sandbox/platform", self.state),
            Route("/sandbox/platform", self.choose, methods=["POST"]),
        ]
