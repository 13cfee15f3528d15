"""The one table from a reason code (bot/errors.py) to the words people read.

Every surface renders from here: an ack or response_url text, a DM, a modal field's error
(`said`), a failed delivery's notice (`failure_words`), and the OAuth callback's page
(`page_title` + `said`). Facts are the platform's display name and such: never its own text."""

from __future__ import annotations

import logging

from bot.errors import Facts, KudosError, Reason
from bot.intents import Failure
from handlers.phrasing import (
    Words,
    busy,
    directory_failure,
    fact,
    forbidden,
    partly_refused,
    refused,
    template,
)

log = logging.getLogger(__name__)
GENERIC = "Something went wrong on our side. Please try again in a moment."
NOTHING_LINKED = "Nothing was linked"  # the callback page's title unless PAGE_TITLES says


WORDS: dict[Reason, Words] = {
    "unexpected": lambda _: GENERIC,
    "said": lambda facts: fact(facts, "said"),
    "draft_gone": template(
        "This preview is no longer active: it was already sent, cancelled or expired."
    ),
    "busy": template("That's taking longer than usual. Please try again in a moment."),
    "store_unavailable": template(
        "Kudos Bridge is temporarily unavailable. Please try again in a minute."
    ),
    "overloaded": template(
        "Kudos Bridge is very busy right now and couldn't get to this. "
        "Please try again in a minute."
    ),
    "directory_warming": template(
        "I'm still reading the company directory. Please try again in a few minutes."
    ),
    "directory_failed": directory_failure,
    "no_platform": template("No recognition platform is set up yet. Ask your Slack admin."),
    "slack_unknown": template("Slack didn't tell us who that is. Please try again."),
    "slack_away": template("Slack didn't answer. Please try again in a moment."),
    "message_unreadable": template(
        "Slack didn't show me that message. Please try again in a moment."
    ),
    "not_linked": template("You haven't linked your account yet."),
    "link_missing": template("Link your {name} account to continue."),
    "link_first": template("Link your {name} account first."),
    "link_gone": template("Link your account to continue."),
    "link_expired": template("Your {name} link has expired. Link it again to continue."),
    "link_refused": template("{name} no longer accepts your link. Link it again to continue."),
    "link_rejected": template("{name} no longer accepts your link. Link it again."),
    "link_ended": template("{name} ended your link. Link it again to continue."),
    "link_unreadable": template("Your link needs renewing."),
    "app_token_unreadable": template("This link needs renewing."),
    "platform_refused_any": template(
        "The recognition platform refused the request. Please try again later."
    ),
    "platform_unavailable": template(
        "The recognition platform isn't answering right now. Please try again shortly."
    ),
    "platform_unauthorized": template("{name} no longer accepts your link."),
    "platform_forbidden": forbidden,
    "platform_busy": busy,
    "platform_away": template("{name} isn't answering right now. Please try again shortly."),
    "platform_unconfirmed": template(
        "{name} didn't confirm the request, so we can't tell yet whether it went through."
    ),
    "platform_refused": refused,
    "platform_unreadable": template(
        "{name} sent an answer we couldn't read. Please try again later."
    ),
    "answer_unreadable": template("{name} sent an answer we couldn't read."),
    "query_refused": template("{name} could not answer that question."),
    "app_refused": template("{name} refused this app's access. Please tell your Slack admin."),
    "client_rejected": template(
        "{name} did not accept this app's client credentials. Please tell your Slack admin."
    ),
    "sign_in_rejected": template(
        "{name} did not accept the sign-in. Run /kudos link in Slack to try again."
    ),
    "token_unanswered": template("{name} didn't answer. Please try again shortly."),
    "token_unavailable": template(
        "{name} isn't available right now. Please try again in a few minutes."
    ),
    "partly_sent": template(
        "Sent to {sent} of {total} people, then {name} refused the rest. "
        "Check {name} before sending again."
    ),
    "partly_refused": partly_refused,
    "uninstalled": template(
        "Kudos Bridge was removed from this workspace, so the recognition was not sent."
    ),
    "revoked": template(
        "Kudos Bridge's access to this workspace was revoked, so the recognition was not sent. "
        "An admin can add the app again from its install page."
    ),
    "state_expired": template(
        "The link was already used or is more than 10 minutes old. "
        "Run /kudos link in Slack to get a fresh one."
    ),
    "app_removed": template(
        "Kudos Bridge was removed from this Slack workspace after this link was started, so "
        "nothing was linked. Once your Slack admin adds it again, run /kudos link in Slack."
    ),
    "sign_in_cancelled": template("The {name} sign-in was cancelled, so nothing was linked."),
    "sign_in_refused": template(
        "{name} refused the sign-in, so nothing was linked. Run /kudos link in Slack to try "
        "again; if it "
        "keeps happening, tell your Slack admin."
    ),
    "no_code": template("{name} did not send a sign-in code."),
    "token_unusable": template("{name} did not return a usable token. Please try again."),
    "account_unreadable": template("We couldn't read your {name} account. Please try again."),
    "who_unknown": template("Slack couldn't tell us who you are, so nothing was linked."),
    "no_slack_email": template(
        "Slack did not share the e-mail address on your profile, so we can't check that the "
        "{name} account is yours; nothing was linked. Ask your Slack admin to check that the "
        "app has the users:read.email scope."
    ),
    "accounts_differ": template(
        "The {name} account you signed in with does not use the same e-mail address as your "
        "Slack profile, so nothing was linked. Sign in to your own account."
    ),
    "sign_in_away": template(
        "{name} isn't available right now, so nothing was linked. Use the Link button in "
        "Slack again in a few minutes."
    ),
    "no_builder": template("Slack didn't say who is building the workflow."),
    "no_link_waiting": template(
        "There is no link waiting for confirmation. Run /kudos link again."
    ),
}
PAGE_TITLES: dict[Reason, str] = {  # templates, as WORDS
    "state_expired": "This link has expired",
    "app_removed": "Kudos Bridge was removed from this workspace",
    "client_rejected": "Link failed",
    "sign_in_rejected": "Link failed",
    "token_unusable": "Link failed",
    "no_slack_email": "Slack didn't share your e-mail address",
    "accounts_differ": "Those accounts don't match",
    "sign_in_away": "{name} isn't available right now",
}


def words_for(reason: str, facts: Facts) -> str:
    """The sentence for a reason code; an unknown code (a newer version's record): generic."""
    words = WORDS.get(reason)  # type: ignore[call-overload]
    return GENERIC if words is None else words(facts)


def said(error: BaseException) -> str:
    """What the user reads about `error`, on any surface; a bug gets the generic apology."""
    if isinstance(error, KudosError):
        return words_for(error.reason, error.facts)
    log.error("unexpected %s", type(error).__name__, exc_info=error)
    return GENERIC


def page_title(error: KudosError) -> str:
    """The callback page's title for a sign-in that could not complete."""
    return template(PAGE_TITLES.get(error.reason, NOTHING_LINKED))(error.facts)


def failure_words(failure: Failure | None) -> str | None:
    """Why a delivery failed or waits, from the intent's stored reason (None: none stored)."""
    return None if failure is None else words_for(failure.code, failure.facts)
