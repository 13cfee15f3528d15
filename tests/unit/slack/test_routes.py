"""SlackEventsFirst takes only `POST /slack/events` past the router; AccessLines logs the rest."""

from __future__ import annotations

import logging

import pytest
from starlette.types import Message, Receive, Scope, Send

from bot.slack.routes import SLACK_EVENTS, SlackEventsFirst
from bot.telemetry.access import AccessLines


class Inner:
    """The app behind the middleware: records what reached it, answers 204 or raises."""

    def __init__(self, raises: bool = False) -> None:
        self.reached: list[str] = []
        self.raises = raises

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.reached.append(f"{scope['method']} {scope['path']}")
        if self.raises:
            raise RuntimeError("boom")
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def http(method: str, path: str) -> Scope:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "http_version": "1.1",
        "query_string": b"code=SECRET",
        "headers": [],
        "client": ("10.0.0.1", 5000),
    }


async def no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def sent_to(sent: list[Message]) -> Send:
    async def send(message: Message) -> None:
        sent.append(message)

    return send


@pytest.mark.parametrize("method,path", [("GET", SLACK_EVENTS), ("POST", "/healthz")])
async def test_other_requests_go_through_the_app(method: str, path: str) -> None:
    inner, sent = Inner(), list[Message]()
    await SlackEventsFirst(inner)(http(method, path), no_body, await sent_to(sent))
    assert inner.reached == [f"{method} {path}"] and sent[0]["status"] == 204


async def test_slack_events_skip_the_app_and_an_unsigned_one_is_refused() -> None:
    inner, sent = Inner(), list[Message]()
    await SlackEventsFirst(inner)(http("POST", SLACK_EVENTS), no_body, await sent_to(sent))
    assert inner.reached == [] and sent[0]["status"] == 401  # no signature headers


async def test_an_access_line_has_no_query_string(caplog: pytest.LogCaptureFixture) -> None:
    sent = list[Message]()
    with caplog.at_level(logging.INFO, logger="bot.access"):
        await AccessLines(Inner())(http("GET", "/oauth/x/callback"), no_body, await sent_to(sent))
    assert caplog.messages == ['10.0.0.1:5000 "GET /oauth/x/callback HTTP/1.1" 204']


async def test_a_request_that_raised_is_logged_as_500(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="bot.access"), pytest.raises(RuntimeError):
        await AccessLines(Inner(raises=True))(http("GET", "/x"), no_body, await sent_to([]))
    assert caplog.messages == ['10.0.0.1:5000 "GET /x HTTP/1.1" 500']
