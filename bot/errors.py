"""Typed errors raised deep in the bot; each carries the sentence a user is shown."""

from __future__ import annotations

from typing import Literal


class KudosError(Exception):
    """Base of every error a user may be told about; `user_message` is safe to show."""

    user_message = "Something went wrong on our side. Please try again in a moment."

    def __init__(self, user_message: str | None = None) -> None:
        if user_message is not None:
            self.user_message = user_message
        super().__init__(self.user_message)


class ConfigError(KudosError):
    """The deployment is missing a setting; told to the admin at start-up."""


RECIPIENTS, VALUE, MESSAGE = "recipients", "value", "message"  # the parts of a recognition


class InvalidInput(KudosError):
    """The user's input cannot be acted on; nothing was changed.

    `field` names the part of a recognition at fault, so a form can show the error there."""

    def __init__(self, user_message: str | None = None, field: str | None = None) -> None:
        super().__init__(user_message)
        self.field = field


class DraftGone(KudosError):
    user_message = "This preview is no longer active: it was already sent, cancelled or expired."


class NotLinked(KudosError):
    """The user has no usable link to `provider`; the answer offers a link button."""

    def __init__(self, provider: str, user_message: str | None = None) -> None:
        self.provider = provider
        super().__init__(user_message or "You haven't linked your account yet.")


class GrantRevoked(NotLinked):
    """The platform refused the refresh token: the link is over."""


class TokenUnreadable(NotLinked):
    """A stored token no key can decrypt or that belongs to someone else: relink."""


class ProviderError(KudosError):
    """The platform answered with an error: the request certainly did not take effect."""

    user_message = "The recognition platform refused the request. Please try again later."


class ProviderUnavailable(KudosError):
    """The platform could not be reached, timed out, failed or is busy: try again later.

    `may_have_landed` is True when a request that changes something may have taken effect
    (it was sent and no clear answer came back): reconcile before sending it again."""

    user_message = "The recognition platform isn't answering right now. Please try again shortly."

    def __init__(self, user_message: str | None = None, *, may_have_landed: bool = True) -> None:
        super().__init__(user_message)
        self.may_have_landed = may_have_landed


class RateLimited(ProviderUnavailable):
    """The platform turned the request away for now (429, or 503 with Retry-After): nothing
    took effect. `retry_after` is how many seconds it asked us to wait, when it said."""

    def __init__(self, user_message: str, retry_after: float | None) -> None:
        super().__init__(user_message, may_have_landed=False)
        self.retry_after = retry_after


class ClientRefused(ProviderError):
    """The token endpoint refused the app's own request (client credentials); `oauth_error` is
    the OAuth error code it gave (`invalid_client`, `invalid_scope`…), when it gave one."""

    def __init__(self, user_message: str, oauth_error: str | None) -> None:
        super().__init__(user_message)
        self.oauth_error = oauth_error


DirectoryCause = Literal["credentials", "scope", "permission", "unreachable", "other"]


class DirectoryFailed(KudosError):
    """Walking a platform's people failed; `cause` says what an admin should check (the words
    are in handlers/errors.py)."""

    def __init__(self, provider: str, name: str, cause: DirectoryCause) -> None:
        super().__init__(f"I couldn't read the {name} company directory. Please tell your admin.")
        self.provider, self.name, self.cause = provider, name, cause


class PartiallySent(KudosError):
    """Some recipients got the recognition and some did not: never resend it blindly."""


class ProviderUnauthorized(ProviderError):
    """The platform rejected the token (401)."""


class PermissionMissing(ProviderError):
    """The platform refused the app (403); `scope` is the permission it needs, when known."""

    def __init__(self, user_message: str, scope: str | None) -> None:
        super().__init__(user_message)
        self.scope = scope


class UnreadableAnswer(ProviderError):
    """A read answered 2xx with a body that is not JSON (e.g. a proxy's HTML page)."""


class OAuthFailure(KudosError):
    """The link flow cannot complete; the message ends up on the callback page."""

    def __init__(self, title: str, user_message: str) -> None:
        self.title = title
        super().__init__(user_message)


class Busy(KudosError):
    """Someone else holds the lock for this work."""

    user_message = "That's taking longer than usual. Please try again in a moment."


class StoreUnavailable(KudosError):
    """Redis did not answer."""

    user_message = "Kudos Bridge is temporarily unavailable. Please try again in a minute."


class Overloaded(KudosError):
    """This process has more waiting than it can do soon: said plainly, and nothing was done.
    Not an outage: Redis and the platform may be fine."""

    user_message = (
        "Kudos Bridge is very busy right now and couldn't get to this. "
        "Please try again in a minute."
    )


class StoreBusy(Overloaded, StoreUnavailable):
    """Redis answered too late, or every connection to it was in use: this process is busy,
    Redis is not known to be down (only a refused or failed connection says that)."""
