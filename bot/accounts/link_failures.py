"""Why a link could not be made, as typed errors (the words are in handlers/words.py)."""

from __future__ import annotations

import logging

from bot.errors import KudosError, OAuthFailure
from bot.models import Person
from bot.slack.people import SlackProfile

log = logging.getLogger(__name__)

EXPIRED = OAuthFailure("state_expired")
REMOVED = OAuthFailure("app_removed")
NO_LINK_WAITING = KudosError("no_link_waiting")


def refusal(error: str, name: str) -> OAuthFailure:
    """The platform sent the user back with `error=`: only `access_denied` is the user's choice.
    The raw value is never shown (it is not ours, and it is not escaped anywhere near here)."""
    if error == "access_denied":
        return OAuthFailure("sign_in_cancelled", name=name)
    log.info("the %s sign-in came back with an error", name)
    return OAuthFailure("sign_in_refused", name=name)


def unavailable(name: str) -> OAuthFailure:
    """The platform could not take the sign-in now (5xx, timeout, unreachable): its link button
    works again (the Slack message carries a fresh one)."""
    return OAuthFailure("sign_in_away", name=name)


def not_the_same_person(
    profile: SlackProfile | None, account: Person, name: str
) -> OAuthFailure | None:
    """Why the platform account may not be linked to this Slack user: its e-mail must equal the
    Slack profile's (case-insensitive). None when it does."""
    if profile is None or profile.deleted:
        return OAuthFailure("who_unknown")
    if not profile.email:
        return OAuthFailure("no_slack_email", name=name)
    if not account.email or account.email.casefold() != profile.email.casefold():
        return OAuthFailure("accounts_differ", name=name)
    return None
