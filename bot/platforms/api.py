"""Calls to a platform's API through the shared httpx client: deadlines, retries, typed errors.

Every call has httpx's per-phase timeouts and a hard total deadline (`Limits`). Calls that are
safe to repeat (GET, HEAD, OPTIONS, or `idempotent=True` for a POST that only reads) retry
transport failures and 429/502/503/504 with stamina's jittered backoff, honouring Retry-After
when it fits the budget. Anything else is sent again only when the connection never opened."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from bot.platforms.answers import answer_error, retry_after, unreachable, unreadable
from bot.platforms.limits import NOT_SENT, PLATFORM_LIMITS, TRANSIENT, Limits
from bot.runtime import tasks
from bot.telemetry import metrics

log = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})


class RetryableAnswer(Exception):
    """Internal: the platform answered a status worth another attempt (when safe)."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.retry_after = retry_after(response)


@dataclass(frozen=True)
class RetryPolicy:
    """stamina's backoff hook for one call: retry or not, or how long the platform asked."""

    safe: bool
    budget_ends: float  # time.monotonic() after which no wait may end
    what: str  # "METHOD /path", for the log

    def __call__(self, error: Exception) -> bool | float:
        log.info("%s attempt failed: %s", self.what, _why(error))
        return self._verdict(error)

    def _verdict(self, error: Exception) -> bool | float:
        if isinstance(error, NOT_SENT):
            return True
        if isinstance(error, TRANSIENT):
            return self.safe
        if not isinstance(error, RetryableAnswer) or not self.safe:
            return False
        wait = error.retry_after
        if wait is None:
            return True
        return wait if time.monotonic() + wait <= self.budget_ends else False


def _why(error: Exception) -> str:
    return str(error) if isinstance(error, RetryableAnswer) else type(error).__name__


class PlatformApi:
    """One platform's base URL over the process-wide client; answers parsed JSON or raises."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        display_name: str,
        *,
        scope: str = "",
        limits: Limits = PLATFORM_LIMITS,
        headers: Mapping[str, str] | None = None,
        name: str | None = None,
    ) -> None:
        self._http = http
        self._headers = dict(headers or {})  # the platform's own, on every call (ProviderSpec)
        self._base_url = base_url.rstrip("/")
        self.display_name = display_name
        self._name = name or display_name.lower()  # the platform's label in metrics
        self._scope = scope  # the configured scope, named when a 403 doesn't say which
        self._limits = limits

    def url(self, path: str) -> str:
        return f"{self._base_url}{path}"

    async def call(
        self,
        method: str,
        path: str,
        token: str,
        *,
        idempotent: bool | None = None,
        template: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Send once, or with retries when `idempotent` (by default: GET, HEAD, OPTIONS).

        `template`: the path before ids were filled in, its metrics label (else `path`)."""
        method = method.upper()
        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        what = f"{method} {path.split('?', 1)[0]}"  # never the query: it may hold personal data
        operation = metrics.operation(method, template or path)
        with metrics.platform_call(self._name, operation) as status:
            try:
                attempts = self._attempts(method, path, token, safe, what, kwargs)
                response = await tasks.within(self._limits.total, attempts)
            except RetryableAnswer as answer:
                response = answer.response
            except (httpx.RequestError, TimeoutError) as error:
                log.warning("%s failed: %s", what, type(error).__name__)
                status.append(metrics.failure(error))
                raise unreachable(self.display_name, error, safe) from error
            status.append(metrics.status_class(response.status_code))
        return self._read(response, safe, what)

    async def _attempts(
        self, method: str, path: str, token: str, safe: bool, what: str, kwargs: dict[str, Any]
    ) -> httpx.Response:
        headers = {
            "Accept": "application/json",
            **self._headers,
            "Authorization": f"Bearer {token}",
        }
        budget = min(self._limits.retry_budget, self._limits.total)
        policy = RetryPolicy(safe, time.monotonic() + budget, what)
        async for attempt in self._limits.retrying(policy):
            with attempt:
                response = await self._http.request(
                    method, self.url(path), headers=headers, timeout=self._limits.timeout, **kwargs
                )
                if response.status_code in RETRY_STATUSES:
                    raise RetryableAnswer(response)
                return response
        raise AssertionError("stamina ends with an answer or an exception")

    def _read(self, response: httpx.Response, safe: bool, what: str) -> Any:
        status = response.status_code
        if not 200 <= status < 300:
            log.warning("%s answered %s", what, status)
            raise answer_error(self.display_name, response, safe, self._scope)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as error:
            log.warning(
                "%s answered %s with a body that is not JSON: %s",
                what,
                status,
                type(error).__name__,
            )
            raise unreadable(self.display_name, safe) from error
