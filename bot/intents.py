"""A recognition on its way: what was asked, the previewed draft, the queued intent and, when it
failed, why (a reason code and its facts, never a sentence)."""

from __future__ import annotations

import time
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from bot.errors import Facts, KudosError
from bot.models import Owner, Sent, Value


class Recipient(BaseModel):
    """A Slack user resolved to their platform account."""

    slack_id: str
    name: str
    person_id: str


class Draft(BaseModel):
    """A recognition the user has previewed but not yet sent."""

    id: str
    team_id: str
    user_id: str
    provider: str
    channel_id: str
    recipients: list[Recipient]
    message: str
    value: Value | None = None
    choices: list[Value] = Field(default_factory=list)
    unknown_value: str | None = None
    announce: bool = True  # post the announcement in the channel
    step: str | None = None  # the Workflow Builder step it completes (function_execution_id)

    @property
    def owner(self) -> Owner:
        return Owner(self.team_id, self.user_id, self.provider)


class RecognitionRequest(BaseModel):
    """A parsed `/recognize`. `message` is Slack-escaped text (`&amp;`, `&lt;`, `&gt;`) whose
    mentions stay as `<@U…>` until names are known."""

    recipient_ids: list[str]
    hashtags: list[str] = Field(default_factory=list)
    message: str
    value_id: str | None = None  # chosen in a form rather than by #tag
    announce: bool = True


class Failure(BaseModel):
    """Why a delivery failed or waits, as stored: a reason code (bot/errors.py) and its facts;
    the words are made when it is shown (handlers/words.py)."""

    code: str
    facts: Facts = Field(default_factory=dict)

    @classmethod
    def of(cls, error: KudosError) -> Failure:
        return cls(code=error.reason, facts=error.facts)


class Intent(BaseModel):
    """A confirmed recognition on its way to the platform: the one record never lost or doubled.

    `attempts` counts the attempts that ended: from the second on, and whenever its delivery
    lock was taken before (an attempt that died may have posted), the sender's recent
    recognitions are read first (reconciliation), so a recognition is never sent twice."""

    id: str
    draft: Draft
    status: Literal["pending", "done", "failed"] = "pending"
    attempts: int = 0
    created: float = Field(default_factory=time.time)  # the first Send: reconcile from here
    queued_at: float = Field(default_factory=time.time)  # the latest Send or Retry
    sent: Sent | None = None
    reason: Failure | None = None  # why it failed, or why the last attempt did not finish
    not_before: float | None = None  # the platform asked us to wait until then (Retry-After)
    relink: bool = False  # failed for want of a usable link: the sender is offered a new one
    request_id: str | None = None  # the Slack request that queued it, for the delivery's logs

    @property
    def final(self) -> bool:
        return self.status != "pending"

    @field_validator("reason", mode="before")
    @classmethod
    def _sentence_of_old(cls, value: Any) -> Any:
        """Records stored before reason codes hold the sentence itself: it is shown as it was."""
        return {"code": "said", "facts": {"said": value}} if isinstance(value, str) else value
