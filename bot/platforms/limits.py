"""Time limits and retry rules for every call to a platform, in one place."""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass

import httpx
import stamina

# What decides a retry: exception types, or a hook answering yes, no, or seconds to wait.
RetryOn = type[Exception] | tuple[type[Exception], ...] | Callable[[Exception], bool | float]

# Failures before any byte of the request left: retrying cannot repeat anything, even a POST.
NOT_SENT: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
# Failures after the request may have reached the platform: retried only when safe to repeat.
TRANSIENT: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True)
class Limits:
    """Per-phase httpx timeouts, a hard deadline per call, and the retry budget inside it.

    `total` bounds a call with every attempt and wait (`tasks.within`); no new attempt starts
    after `retry_budget`, and a Retry-After wait is honoured only when it ends within it."""

    connect: float = 3.0
    read: float = 10.0
    write: float = 10.0
    pool: float = 2.0
    total: float = 20.0
    retry_budget: float = 10.0
    attempts: int = 4
    backoff_initial: float = 0.2
    backoff_max: float = 2.0
    backoff_jitter: float = 0.3

    @property
    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)

    def retrying(self, on: RetryOn) -> AsyncIterable[stamina.Attempt]:
        """stamina attempts: jittered exponential backoff within the budget."""
        return stamina.retry_context(
            on,
            attempts=self.attempts,
            timeout=self.retry_budget,
            wait_initial=self.backoff_initial,
            wait_max=self.backoff_max,
            wait_jitter=self.backoff_jitter,
        )


# One pooled client for every platform call; keep-alive connections are reused across requests.
PLATFORM_POOL = httpx.Limits(max_connections=200, max_keepalive_connections=50)
PLATFORM_LIMITS = Limits()  # API calls (reads retry; creating POSTs only when nothing was sent)
TOKEN_LIMITS = Limits(total=15.0, retry_budget=3.0, attempts=3)  # token endpoint: connect retries
