"""bot/logs.py: secrets are masked in every log line, exception texts included."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import RedactingFilter, redact

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
