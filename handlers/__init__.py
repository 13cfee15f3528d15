"""Slack listeners, thin: parse → call bot/ → render. Nothing registers itself on import."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import (
    actions,
    commands,
    dedupe,
    fallback,
    home,
    reactions,
    suggestions,
    views,
    workflow_step,
)
from handlers.errors import on_error


def register(app: AsyncApp) -> None:
    """Wire every listener and the single error handler onto `app`."""
    dedupe.register(app)
    commands.register(app)
    actions.register(app)
    home.register(app)
    views.register(app)
    reactions.register(app)
    workflow_step.register(app)
    suggestions.register(app)
    fallback.register(app)  # last: it matches whatever the others did not
    app.error(on_error)
