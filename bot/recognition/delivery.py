"""One delivery attempt of an intent: reconcile first when an earlier POST may have landed."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from bot.accounts.tokens import Tokens
from bot.errors import (
    Busy,
    Facts,
    KudosError,
    NotLinked,
    PartiallySent,
    ProviderUnavailable,
    RateLimited,
    StoreUnavailable,
)
from bot.intents import Failure, Intent, Recipient
from bot.models import Sent
from bot.platforms.answers import unconfirmed
from bot.platforms.registry import Registry
from bot.recognition.reconcile import Reconciler
from bot.runtime import tasks
from bot.runtime.shared import Shared

SaveIntent = Callable[[Intent], Awaitable[None]]
GIVE_UP_AFTER = 15 * 60.0  # seconds from Send: then the intent fails and the user may retry
LONGEST_WAIT = 24 * 3600.0  # a platform asking us to wait longer than this (from Send): fail now
# One attempt at most: a reconciling read and the POST (and, after a partial send, reading back
# who got it), each with a token refresh and a replay (each call is bounded by
# bot/platforms/limits.py on its own). The delivery lock's lease covers it (the outbox), and it
# ends by then even if a cancellation is lost (bot/runtime/tasks.py).
ATTEMPT_DEADLINE = 60.0
# Failures after which the intent stays pending: the platform or our own Redis is away for now.
FOR_NOW = (ProviderUnavailable, StoreUnavailable, Busy)


class Deliverer(Shared):
    """Turns a pending intent into done or failed, or leaves it pending for a later attempt."""

    def __init__(self, registry: Registry, tokens: Tokens, deadline: float = ATTEMPT_DEADLINE):
        self._registry = registry
        self._tokens = tokens
        self._reconciler = Reconciler(registry, tokens)
        self.deadline = deadline

    @staticmethod
    def due(intent: Intent, now: float | None = None) -> bool:
        """False while the platform's requested wait (Retry-After) lasts."""
        return intent.not_before is None or (now or time.time()) >= intent.not_before

    async def attempt(
        self, intent: Intent, save: SaveIntent | None, *, may_have_landed: bool = False
    ) -> Intent:
        """`save` is called before the POST, so a crash after it is known to need reconciling
        (the consumer passes None: taking the delivery lock counted the attempt, and
        `may_have_landed` says an earlier taking may have posted). The whole attempt, reading
        back a partial send included, ends within the one deadline; cut off, it may have
        landed."""
        ends = time.monotonic() + self.deadline
        reconcile = intent.attempts > 0 or may_have_landed
        intent = intent.model_copy(update={"attempts": intent.attempts + 1})
        try:
            return await tasks.within(self.deadline, self._deliver(intent, reconcile, save))
        except TimeoutError:
            return later(intent, unconfirmed(self._name(intent)))
        except PartiallySent as error:
            return await self._partly(intent, error, ends - time.monotonic())
        except NotLinked as error:
            return failed(intent, Failure.of(error), relink=True)
        except FOR_NOW as error:
            return later(intent, error)
        except KudosError as error:
            return failed(intent, Failure.of(error))

    async def _deliver(self, intent: Intent, reconcile: bool, save: SaveIntent | None) -> Intent:
        people = [recipient.person_id for recipient in intent.draft.recipients]
        if reconcile:
            landed, people = await self._reconciler.landed(intent, people)
            if not people:
                return done(intent, landed)
        if save is not None:
            await save(intent)
        return done(intent, await self._send(intent, people))

    async def _send(self, intent: Intent, people: list[str]) -> Sent:
        draft = intent.draft
        adapter = self._registry.get(draft.provider).adapter
        return await self._tokens.run(
            draft.owner, lambda token: adapter.send(token, people, draft.message, draft.value)
        )

    async def _partly(self, intent: Intent, error: PartiallySent, left: float) -> Intent:
        """Some recipients have it. The platform away: try the others later (reconciling first
        skips who has it). The platform refusing: fail, saying who got it and who didn't (if
        the attempt's `left` seconds are enough to read it back)."""
        if isinstance(error.__cause__, ProviderUnavailable):
            return later(intent, error)
        people = [recipient.person_id for recipient in intent.draft.recipients]
        try:
            _, missing = await tasks.within(left, self._reconciler.landed(intent, people))
        except (KudosError, TimeoutError):
            return failed(intent, Failure.of(error))
        return failed(intent, partial_reason(self._name(intent), intent, missing, error))

    def _name(self, intent: Intent) -> str:
        return self._registry.get(intent.draft.provider).spec.display_name


def partial_reason(name: str, intent: Intent, missing: list[str], error: KudosError) -> Failure:
    """Who has the recognition and who was refused it, by name; the adapter's reason when the
    read-back doesn't tell them apart."""
    recipients = intent.draft.recipients
    got = [r for r in recipients if r.person_id not in missing]
    refused = [r for r in recipients if r.person_id in missing]
    if not got or not refused:
        return Failure.of(error)
    facts: Facts = {"name": name, "got": _names(got), "refused": _names(refused)}
    return Failure(code="partly_refused", facts=facts)


def _names(recipients: list[Recipient]) -> list[str]:
    return [recipient.name for recipient in recipients]


def done(intent: Intent, sent: Sent | None) -> Intent:
    update = {"status": "done", "sent": sent or Sent(), "reason": None, "not_before": None}
    return intent.model_copy(update=update)


def failed(intent: Intent, reason: Failure, *, relink: bool = False) -> Intent:
    return intent.model_copy(update={"status": "failed", "reason": reason, "relink": relink})


def later(intent: Intent, error: KudosError, now: float | None = None) -> Intent:
    """Pending until the next attempt (not before the wait the platform asked for), or failed
    once both GIVE_UP_AFTER and that wait have passed, or when the wait is beyond reason."""
    now = time.time() if now is None else now
    wait = asked_wait(error)
    not_before = now + wait if wait else intent.not_before
    too_long = not_before is not None and not_before - intent.queued_at > LONGEST_WAIT
    if now >= give_up_at(intent, not_before) or too_long:
        return failed(intent, Failure.of(error))
    return intent.model_copy(update={"reason": Failure.of(error), "not_before": not_before})


def give_up_at(intent: Intent, not_before: float | None = None) -> float:
    """When a pending intent fails for good: GIVE_UP_AFTER from Send, or after the wait the
    platform asked for if that is later."""
    waited = intent.not_before if not_before is None else not_before
    return max(intent.queued_at + GIVE_UP_AFTER, waited or 0.0)


def asked_wait(error: BaseException) -> float | None:
    """Seconds the platform asked us to wait (Retry-After), here or in the error's cause."""
    for candidate in (error, error.__cause__):
        if isinstance(candidate, RateLimited) and candidate.retry_after:
            return candidate.retry_after
    return None
