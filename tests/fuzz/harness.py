"""What every fuzzed request must get: the expected status inside Slack's 3 s, no traceback or 5xx
in the bot's log, and no side effect (no recognition, no link or draft touched, nothing posted to
anyone but the fuzzing user)."""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

import httpx
import redis
from hypothesis import HealthCheck, settings

from handlers.kit import RETRY
from testkit.bot_process import BotProcess
from testkit.fakes import FakeAchievers, FakeSlack
from testkit.support import sign, wait_until

FUZZER = "U_FUZZ"  # a workspace member with no account on any platform, never linked
ACK_BUDGET = 3.0  # Slack gives up on an answer after 3 s
REPLY_WITHIN = 10.0  # a reply after the ack; generous for a loaded machine (polling)
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
SERVER_ERROR = re.compile(r'HTTP/1\.[01]" 5\d\d')
PROTECTED = re.compile(rb":(?:link|draft|intent):")  # what nobody but its owner may touch
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUZZ_MORE = settings(FUZZ, max_examples=40)  # for the slash commands: the most typed surface


@dataclass(frozen=True)
class Snapshot:
    """Everything a request from the fuzzing user must leave as it was."""

    stored: dict[bytes, bytes | None]
    posted_elsewhere: int
    published_elsewhere: int


def interactive(payload: Mapping[str, Any]) -> bytes:
    """The form body Slack posts for interactivity: `payload=<json>`."""
    return urlencode({"payload": json.dumps(payload)}).encode()


@dataclass
class Target:
    """The module's running bot and the state it must not touch."""

    bot: BotProcess
    achievers: FakeAchievers
    redis: redis.Redis
    protected: Snapshot = field(init=False)
    _keys: itertools.count[int] = field(default_factory=itertools.count)
    _log_checked: int = 0  # the log up to here was clean

    def __post_init__(self) -> None:
        self.remember()

    @property
    def slack(self) -> FakeSlack:
        return self.bot.slack

    def remember(self) -> None:
        """Take the current state as the one every later request must leave unchanged."""
        self.protected = self.snapshot()

    def snapshot(self) -> Snapshot:
        keys = [key for key in self.redis.scan_iter("*") if PROTECTED.search(key)]
        mine = {FUZZER, f"D{FUZZER}"}  # the fuzzing user may hear back by DM
        posts = [c for c in self.slack.calls("chat.postMessage") if c.get("channel") not in mine]
        homes = [c for c in self.slack.calls("views.publish") if c.get("user_id") != FUZZER]
        stored = {key: cast("bytes | None", self.redis.get(key)) for key in keys}
        return Snapshot(stored, len(posts), len(homes))

    def response_key(self) -> str:
        """A fresh response_url key, so a reply can be told apart from earlier ones."""
        return f"fuzz-{next(self._keys)}"

    def post(self, body: bytes, headers: Mapping[str, str | bytes]) -> httpx.Response:
        """POST to /slack/events; the answer must come inside Slack's budget."""
        started = time.monotonic()
        response = httpx.post(
            f"{self.bot.base_url}/slack/events",
            content=body,
            headers={
                k.encode(): v if isinstance(v, bytes) else v.encode() for k, v in headers.items()
            },
            timeout=ACK_BUDGET,
        )
        assert time.monotonic() - started < ACK_BUDGET
        return response

    def signed(self, body: bytes, content_type: str = FORM) -> httpx.Response:
        """POST `body` correctly signed, as Slack would."""
        return self.post(body, sign(self.bot.signing_secret, body) | {"Content-Type": content_type})

    def check(self, response: httpx.Response, status: int = 200) -> None:
        """The status expected, a clean log and no side effect."""
        problem = self.log_problem()  # first, so this request's part of the log is judged once
        assert response.status_code == status, f"{response.status_code}: {response.text[:300]}"
        assert problem is None, problem
        self.assert_untouched()

    def assert_untouched(self) -> None:
        assert self.achievers.recognitions == []
        assert self.snapshot() == self.protected

    def finish(self) -> None:
        """At the end of a module: what its last requests started is done, logged nothing bad
        and touched nothing either."""
        self.settle()
        problem = self.log_problem()
        assert problem is None, problem
        self.assert_untouched()

    def log_problem(self) -> str | None:
        """The first traceback or 5xx logged since the last look, with its surroundings (lazy
        work of one request may log late: it then shows at the next request's look)."""
        log = self.bot.log_text()
        start, self._log_checked = self._log_checked, len(log)
        at = log.find("Traceback", start)
        if at >= 0:
            return log[max(start, at - 500) : at + 3000]
        error = SERVER_ERROR.search(log, start)
        return None if error is None else log[max(start, error.start() - 2000) : error.end()]

    def answered(self, response: httpx.Response, key: str, opened_before: int) -> None:
        """The user heard back: in the ack, on the response_url or in a modal."""

        def heard() -> bool:
            opened = len(self.slack.calls("views.open")) > opened_before
            return bool(response.content) or bool(self.slack.responses(key)) or opened

        wait_until(heard, REPLY_WITHIN)

    def settle(self, key: str | None = None) -> None:
        """Wait for one more request's lazy work to finish (a Retry of nothing, which only ever
        answers on its response_url, `key`'s if given): lazy work of the requests before it,
        started earlier and as quick, has then had its turn as well."""
        key = key or self.response_key()
        seen = len(self.slack.responses(key))
        action = {"action_id": RETRY, "block_id": "settle", "type": "button", "value": "none"}
        payload = {
            "type": "block_actions",
            "api_app_id": "A_KUDOS",
            "user": {"id": FUZZER, "team_id": "T1", "username": "mallory"},
            "team": {"id": "T1", "domain": "fake-team"},
            "container": {"type": "message", "is_ephemeral": True, "channel_id": "C1"},
            "trigger_id": "1.2.3",
            "actions": [action | {"action_ts": f"{time.time():.6f}"}],
            "response_url": self.slack.response_url(key),
        }
        assert self.signed(interactive(payload)).status_code == 200
        wait_until(lambda: self.slack.responses(key)[seen:], REPLY_WITHIN)
