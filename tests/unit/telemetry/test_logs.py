"""bot/telemetry/logs.py: secrets are masked in every log line, exception texts included."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest

from bot.telemetry.logs import (
    CURRENT,
    JsonFormatter,
    RedactingFilter,
    RequestFields,
    configure,
    redact,
    user_hash,
)

MASKED = [
    # text, secret that must vanish, what stays
    ("Authorization: Bearer abc.DEF-123_~+/=", "abc.DEF-123_~+/=", "Bearer [redacted]"),
    ("authorization: bearer abcdef", "abcdef", "bearer [redacted]"),
    ("Authorization: Basic Y2lkOnMzY3JldA==", "Y2lkOnMzY3JldA==", "Basic [redacted]"),
    ("POST /token?access_token=tok123&x=1", "tok123", "access_token=[redacted]&x=1"),
    ('{"access_token": "tok123", "expires_in": 3600}', "tok123", '"expires_in": 3600'),
    ("{'access_token': 'tok123'}", "tok123", "'access_token': '[redacted]'"),
    ('{"refresh_token":"rt-99","scope":"read"}', "rt-99", '"scope":"read"'),
    ("client_id=cid&client_secret=s3cr3t&grant_type=x", "s3cr3t", "client_id=cid&"),
    ("GET /oauth/achievers/callback?code=c0de&state=st4te HTTP/1.1", "c0de", "/callback?"),
    ("GET /oauth/achievers/callback?code=c0de&state=st4te HTTP/1.1", "st4te", "HTTP/1.1"),
    ("code_verifier=v3rifier", "v3rifier", "code_verifier=[redacted]"),
    ("bot token xoxb-1234-5678-abcDEF in use", "xoxb-1234-5678-abcDEF", "bot token [redacted]"),
    ("user token xoxp-1-2-3", "xoxp-1-2-3", "user token"),
]


@pytest.mark.parametrize(("text", "secret", "kept"), MASKED)
def test_redact(text: str, secret: str, kept: str) -> None:
    masked = redact(text)
    assert secret not in masked
    assert kept in masked
    assert "[redacted]" in masked


@pytest.mark.parametrize(
    "text",
    ["linked achievers for a user of team T1", "GET /api/v5/users?q=ana&page=2 answered 200", ""],
)
def test_redact_leaves_ordinary_text_alone(text: str) -> None:
    assert redact(text) == text


@pytest.fixture(params=["logger", "handler"])
def captured(request: pytest.FixtureRequest) -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing to a StringIO, with the filter on the logger or on its handler."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger(f"tests.unit.logs.{request.param}")
    logger.propagate, logger.level = False, logging.INFO
    target: logging.Filterer = logger if request.param == "logger" else handler
    log_filter = RedactingFilter()
    target.addFilter(log_filter)
    logger.addHandler(handler)
    yield logger, stream
    logger.removeHandler(handler)
    target.removeFilter(log_filter)


def test_filter_masks_arguments(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("calling with %s and %d%%", "access_token=ARGSECRET", 100)
    assert stream.getvalue() == "INFO calling with access_token=[redacted] and 100%\n"


def test_filter_masks_exception_text(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise RuntimeError(
            "GET https://x.example/cb?code=CODESECRET&state=STATESECRET: Bearer BEARERSECRET"
        )
    except RuntimeError:
        logger.exception("token exchange failed")
    output = stream.getvalue()
    for secret in ("CODESECRET", "STATESECRET", "BEARERSECRET"):
        assert secret not in output
    assert "token exchange failed" in output
    assert "Traceback" in output and "RuntimeError" in output
    assert "code=[redacted]&state=[redacted]" in output


def json_line(logger_name: str, message: str, *args: object, **extra: object) -> dict[str, object]:
    """One record through the JSON formatter behind the redacting filter, parsed back."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger(logger_name)
    logger.propagate, logger.level = False, logging.INFO
    logger.addHandler(handler)
    try:
        logger.info(message, *args, extra=extra)
    finally:
        logger.removeHandler(handler)
    parsed: dict[str, object] = json.loads(stream.getvalue())
    return parsed


def test_json_line_has_time_level_logger_message_and_the_request() -> None:
    fields = RequestFields("r1", "T1", user_hash("U1"), "/recognize")
    token = CURRENT.set(fields)
    try:
        line = json_line("tests.json", "sent %d", 2, outcome="ok", duration_ms=3.5)
    finally:
        CURRENT.reset(token)
    assert isinstance(line.pop("time"), str)
    assert line == {
        "level": "INFO",
        "logger": "tests.json",
        "message": "sent 2",
        "request_id": "r1",
        "team": "T1",
        "user": user_hash("U1"),
        "listener": "/recognize",
        "outcome": "ok",
        "duration_ms": 3.5,
    }


def test_json_time_is_utc_iso8601() -> None:
    line = json_line("tests.json", "x")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", str(line["time"]))


def test_every_json_field_is_redacted() -> None:
    """Secrets in the message, its arguments and any extra field, as in the canary test."""
    token = CURRENT.set(RequestFields("r1", listener="state=LISTENERSECRET"))
    try:
        line = json_line("tests.json", "got %s", "access_token=ARG", outcome="Bearer EXTRASECRET")
    finally:
        CURRENT.reset(token)
    text = json.dumps(line)
    for secret in ("ARG", "EXTRASECRET", "LISTENERSECRET"):
        assert secret not in text
    assert line["outcome"] == "Bearer [redacted]"


def test_user_hash_is_keyed_and_stable() -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure("text", "INFO", secret="one-signing-secret")
        first = user_hash("U_ANA")
        assert user_hash("U_ANA") == first and user_hash("U_BOB") != first
        assert "U_ANA" not in first and len(first) == 16
        configure("text", "INFO", secret="another-signing-secret")
        assert user_hash("U_ANA") != first  # without the key, nobody can recompute it
    finally:
        root.handlers[:], root.level = handlers, level


def test_records_skip_the_caller_thread_and_process_no_format_writes() -> None:
    """Each Slack request logs a line or two: no stack walk for a caller nobody prints."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    switches = ("_srcfile", "logThreads", "logProcesses", "logMultiprocessing")
    before = {name: getattr(logging, name) for name in switches}
    made: list[logging.LogRecord] = []
    try:
        configure("text", "INFO")

        def keep(record: logging.LogRecord) -> bool:
            made.append(record)
            return False  # kept here, not written

        root.handlers[0].addFilter(keep)
        logging.getLogger("bot.test").info("answered")
        assert [record.getMessage() for record in made] == ["answered"]
        record = made[0]
        assert (record.funcName, record.lineno) == ("(unknown function)", 0)
        assert (record.threadName, record.processName) == (None, None)
    finally:
        root.handlers[:], root.level = saved
        for name, value in before.items():
            setattr(logging, name, value)
