"""Typed errors raised deep in the bot. Each carries a reason code and the facts the words need;
the words themselves are in handlers/words.py, the one place errors become what users read."""

from __future__ import annotations

from typing import Literal

# Stable codes: they are stored in Redis (a failed delivery's reason), so never rename one.
Reason = Literal[
    # anything: a bug (the generic apology), words that are the rule's own (`said`), our own state
    "unexpected", "said", "draft_gone", "busy", "store_unavailable", "overloaded",
    "directory_warming", "directory_failed", "no_platform", "no_builder", "no_link_waiting",
    # Slack
    "slack_unknown", "slack_away", "message_unreadable", "uninstalled", "revoked",
    # a missing or unusable link (NotLinked)
    "not_linked", "link_missing", "link_first", "link_gone", "link_expired", "link_refused",
    "link_rejected", "link_ended", "link_unreadable", "app_token_unreadable",
    # the platform's answers
    "platform_refused_any", "platform_unavailable", "platform_unauthorized", "platform_forbidden",
    "platform_busy", "platform_away", "platform_unconfirmed", "platform_refused",
    "platform_unreadable", "answer_unreadable", "query_refused", "app_refused", "client_rejected",
    "sign_in_rejected", "token_unanswered", "token_unavailable", "partly_sent", "partly_refused",
    # the sign-in (OAuth callback) could not complete
    "state_expired", "app_removed", "sign_in_cancelled", "sign_in_refused", "sign_in_away",
    "no_code", "token_unusable", "account_unreadable", "who_unknown", "no_slack_email",
    "accounts_differ",
]  # fmt: skip
Fact = str | int | float | bool | list[str] | None
Facts = dict[str, Fact]


class KudosError(Exception):
    """Base of every error a user may be told about: `reason` says what, `facts` the details."""

    reason: Reason = "unexpected"

    def __init__(self, reason: Reason | None = None, /, **facts: Fact) -> None:
        if reason is not None:
            self.reason = reason
        self.facts: Facts = facts
        super().__init__(self.reason)


class Said(KudosError):
    """An error whose words are the check's own (an input rule, a setting), kept with it."""

    reason: Reason = "said"

    def __init__(self, said: str) -> None:
        super().__init__("said", said=said)
        self.args = (said,)


class ConfigError(Said):
    """The deployment is missing a setting; told to the admin at start-up."""


RECIPIENTS, VALUE, MESSAGE = "recipients", "value", "message"  # the parts of a recognition


class InvalidInput(Said):
    """The user's input cannot be acted on; nothing was changed.

    `field` names the part of a recognition at fault, so a form can show the error there."""

    def __init__(self, said: str, field: str | None = None) -> None:
        super().__init__(said)
        self.field = field


class DraftGone(KudosError):
    reason: Reason = "draft_gone"


class NotLinked(KudosError):
    """The user has no usable link to `provider`; the answer offers a link button."""

    reason: Reason = "not_linked"

    def __init__(self, provider: str, reason: Reason | None = None, /, **facts: Fact) -> None:
        self.provider = provider
        super().__init__(reason, **facts)


class GrantRevoked(NotLinked):
    """The platform refused the refresh token: the link is over."""


class TokenUnreadable(NotLinked):
    """A stored token no key can decrypt or that belongs to someone else: relink."""


class ProviderError(KudosError):
    """The platform answered with an error: the request certainly did not take effect."""

    reason: Reason = "platform_refused_any"


class ProviderUnavailable(KudosError):
    """The platform could not be reached, timed out, failed or is busy: try again later.

    `may_have_landed` is True when a request that changes something may have taken effect
    (it was sent and no clear answer came back): reconcile before sending it again."""

    reason: Reason = "platform_unavailable"

    def __init__(
        self, reason: Reason | None = None, /, *, may_have_landed: bool = True, **facts: Fact
    ) -> None:
        super().__init__(reason, **facts)
        self.may_have_landed = may_have_landed


class RateLimited(ProviderUnavailable):
    """The platform turned the request away for now (429, or 503 with Retry-After): nothing
    took effect. `retry_after` is how many seconds it asked us to wait, when it said."""

    def __init__(self, name: str, retry_after: float | None) -> None:
        super().__init__("platform_busy", may_have_landed=False, name=name, wait=retry_after)
        self.retry_after = retry_after


class ClientRefused(ProviderError):
    """The token endpoint refused the app's own request (client credentials); `oauth_error` is
    the OAuth error code it gave (`invalid_client`, `invalid_scope`…), when it gave one."""

    def __init__(self, reason: Reason, oauth_error: str | None, **facts: Fact) -> None:
        super().__init__(reason, **facts)
        self.oauth_error = oauth_error


DirectoryCause = Literal["credentials", "scope", "permission", "unreachable", "other"]


class DirectoryFailed(KudosError):
    """Walking a platform's people failed; `cause` says what an admin should check."""

    def __init__(self, provider: str, name: str, cause: DirectoryCause) -> None:
        super().__init__("directory_failed", provider=provider, name=name, cause=cause)
        self.provider, self.name, self.cause = provider, name, cause


class PartiallySent(KudosError):
    """Some recipients got the recognition and some did not: never resend it blindly."""

    reason: Reason = "partly_sent"


class ProviderUnauthorized(ProviderError):
    """The platform rejected the token (401)."""


class PermissionMissing(ProviderError):
    """The platform refused the app (403); `scope` is the permission it needs, when known."""

    def __init__(self, name: str, named: str | None, configured: str) -> None:
        scope = named or configured or None
        super().__init__("platform_forbidden", name=name, named=named, configured=configured)
        self.scope = scope


class UnreadableAnswer(ProviderError):
    """A read answered 2xx with a body that is not JSON (e.g. a proxy's HTML page)."""


class OAuthFailure(KudosError):
    """The link flow cannot complete: the callback's page and the Slack message say why."""


class Busy(KudosError):
    """Someone else holds the lock for this work."""

    reason: Reason = "busy"


class StoreUnavailable(KudosError):
    """Redis did not answer."""

    reason: Reason = "store_unavailable"


class Overloaded(KudosError):
    """This process has more waiting than it can do soon: said plainly, and nothing was done.
    Not an outage: Redis and the platform may be fine."""

    reason: Reason = "overloaded"


class StoreBusy(Overloaded, StoreUnavailable):
    """Redis answered too late, or every connection to it was in use: this process is busy,
    Redis is not known to be down (only a refused or failed connection says that)."""
