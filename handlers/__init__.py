"""Slack listeners, thin: parse → call bot/ → render. Nothing registers itself on import."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from handlers import (
    actions,
    commands,
    fallback,
    home,
    reactions,
    suggestions,
    uninstall,
    views,
    workflow_step,
)
from handlers.errors import on_error
from handlers.home import Home
from handlers.modal_desk import Desks
from handlers.resume import AfterLink


@dataclass(frozen=True)
class HandlerServices:
    """What listeners and the OAuth callback share on top of the services, built once on them
    (by the composition root) and named to listeners like the services."""

    desks: Desks
    home: Home
    after_link: AfterLink

    @classmethod
    def on(cls, s: Services) -> HandlerServices:
        home = Home(s.slack, s.registry, s.tokens, s.lookups, s.linker)
        desks = Desks(s.registry, s.tokens, s.linker, s.recognitions, s.outbox)
        return cls(desks, home, AfterLink(s))

    def named(self) -> dict[str, Any]:
        return {"desks": self.desks, "home": self.home, "after_link": self.after_link}


def register(app: AsyncApp) -> None:
    """Wire every listener and the single error handler onto `app`."""
    commands.register(app)
    actions.register(app)
    home.register(app)
    views.register(app)
    uninstall.register(app)
    reactions.register(app)
    workflow_step.register(app)
    suggestions.register(app)
    fallback.register(app)  # last: it matches whatever the others did not
    app.error(on_error)
