"""The bot's own data: what handlers, providers and the store exchange."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field


@dataclass(frozen=True)
class Owner:
    """Who a link belongs to: one Slack user in one workspace, on one platform."""

    team_id: str
    user_id: str
    provider: str

    @property
    def key(self) -> str:
        return f"{self.team_id}:{self.user_id}:{self.provider}"


@dataclass(frozen=True)
class Actor:
    """Who made a Slack request, read off its signed envelope only (never a button's value or a
    form's field): the workspace whose data they reach, the user, and the channel it came from."""

    workspace: str  # an org-wide install's org, else the team (bot/slack/installed.workspace_of)
    user_id: str
    channel_id: str = ""

    def owner(self, provider: str) -> Owner:
        """The actor's link to `provider`: the one way a request names an Owner."""
        return Owner(self.workspace, self.user_id, provider)

    def __deepcopy__(self, memo: dict[int, object]) -> Actor:
        return self  # immutable: Bolt's copy of a lazy listener's context may share it


class TokenSet(BaseModel):
    """OAuth tokens with an absolute expiry; never printed (fields are hidden from repr)."""

    access_token: str = Field(repr=False)
    refresh_token: str | None = Field(default=None, repr=False)
    expires_at: float | None = None
    scope: str | None = None

    def expired(self, margin: float = 0.0, now: float | None = None) -> bool:
        if self.expires_at is None:
            return False
        return (now if now is not None else time.time()) >= self.expires_at - margin


class Person(BaseModel):
    """Someone on the platform."""

    id: str
    name: str
    email: str | None = None
    title: str | None = None
    department: str | None = None
    profile_url: str | None = None
    image_url: str | None = None


class Value(BaseModel):
    """A value, criterion or badge a recognition can carry."""

    id: str
    name: str
    description: str | None = None
    points: int | None = None


class Sent(BaseModel):
    """What the platform answered to a delivered recognition."""

    id: str | None = None
    url: str | None = None


class Recognition(BaseModel):
    """A recognition as the platform lists it."""

    id: str
    giver: str | None = None
    giver_id: str | None = None
    recipients: list[str] = Field(default_factory=list)
    recipient_ids: list[str] = Field(default_factory=list)
    message: str = ""
    value: str | None = None
    created: str | None = None
    url: str | None = None
    value_id: str | None = None  # the platform's id of `value`, where it gives one


class Link(BaseModel):
    """A Slack user's link to a platform account: stored encrypted, as one record.

    `confirmed` is False while the user still has to confirm an account the platform
    showed without an e-mail address; such a link is not used."""

    account: Person
    token: TokenSet
    confirmed: bool = True
    linked_at: float = Field(default_factory=time.time)
    # While unconfirmed: what the user asked before linking, and where (continued on confirm).
    waiting: PendingLink | None = Field(default=None, repr=False)

    @property
    def lapsed(self) -> bool:
        """Expired with nothing to renew it (no refresh token): only a new sign-in helps."""
        return self.token.refresh_token is None and self.token.expired()


class Resume(BaseModel):
    """What the user asked when a link was missing, run for them once they are linked. It holds
    no identity: who runs it comes from the link's own server-side record."""

    kind: Literal["recognize", "kudos", "form", "reaction", "step"]
    text: str = ""  # the command's text, as Slack sent it (a step's: its message)
    channel_id: str = ""
    channel_name: str = ""
    message_ts: str = ""  # the message reacted to (in channel_id)
    step: str = ""  # the workflow step waiting for the link (its function_execution_id)
    recipients: list[str] = Field(default_factory=list)  # a step's or a filled form's inputs
    value: str = ""


class PendingLink(BaseModel):
    """Server-side half of an OAuth `state`: who started the link, where, and when."""

    team_id: str
    user_id: str
    provider: str
    response_url: str | None = Field(default=None, repr=False)  # a bearer capability
    code_verifier: str | None = Field(default=None, repr=False)
    resume: Resume | None = None

    @property
    def owner(self) -> Owner:
        return Owner(self.team_id, self.user_id, self.provider)
