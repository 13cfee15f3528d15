"""What a link that could not be made says: on the callback's page, and in Slack."""

from __future__ import annotations

import logging

from bot.errors import InvalidInput, OAuthFailure

log = logging.getLogger(__name__)

EXPIRED = OAuthFailure(
    "This link has expired",
    "The link was already used or is more than 10 minutes old. "
    "Run /kudos link in Slack to get a fresh one.",
)
REMOVED = OAuthFailure(
    "Kudos Bridge was removed from this workspace",
    "Kudos Bridge was removed from this Slack workspace after this link was started, so nothing "
    "was linked. Once your Slack admin adds it again, run /kudos link in Slack.",
)
NO_LINK_WAITING = InvalidInput("There is no link waiting for confirmation. Run /kudos link again.")


def refusal(error: str, name: str) -> OAuthFailure:
    """The platform sent the user back with `error=`: only `access_denied` is the user's choice.
    The raw value is never shown (it is not ours, and it is not escaped anywhere near here)."""
    if error == "access_denied":
        return OAuthFailure(
            "Nothing was linked", f"The {name} sign-in was cancelled, so nothing was linked."
        )
    log.info("the %s sign-in came back with an error", name)
    return OAuthFailure(
        "Nothing was linked",
        f"{name} refused the sign-in, so nothing was linked. Run /kudos link in Slack to try "
        "again; if it keeps happening, tell your Slack admin.",
    )


def unavailable(name: str) -> tuple[str, str]:
    """The platform could not take the sign-in now (5xx, timeout, unreachable): its link button
    works again (the Slack message carries a fresh one)."""
    return (
        f"{name} isn't available right now",
        f"{name} isn't available right now, so nothing was linked. Use the Link button in "
        "Slack again in a few minutes.",
    )
