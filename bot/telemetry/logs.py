"""Logging set-up with a last line of defence: secrets are masked in every record.

LOG_FORMAT=json writes one JSON object per line; every record logged while a Slack request
(or the lazy work and the delivery it causes) runs carries that request's fields."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import random
import re
import time
import traceback
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from pydantic import SecretStr

from bot.intents import Intent

SECRET_PATTERNS = (
    re.compile(r"(?i)((?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(
        r"(?i)((?:access_token|refresh_token|client_secret|code|code_verifier|state|token)"
        r"[\"']?\s*[=:]\s*[\"']?)[^&\s\"',}]+"
    ),
    re.compile(r"xox[abpr]-[A-Za-z0-9-]+"),
)


def _mask(match: re.Match[str]) -> str:
    return f"{match.group(1)}[redacted]" if match.lastindex else "[redacted]"


def redact(text: str) -> str:
    for pattern in SECRET_PATTERNS:
        text = pattern.sub(_mask, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:  # exception texts can carry URLs with secrets: fold them in, masked
            message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
            record.exc_info, record.exc_text = None, None
        record.msg, record.args = redact(message), None
        return True


@dataclass(slots=True)
class RequestFields:
    """One Slack request as every log line of its work names it; the user only as a keyed hash."""

    request_id: str
    team: str | None = None
    user: str | None = None
    listener: str | None = None

    def items(self) -> dict[str, str]:
        return {name: value for name in FIELDS if (value := getattr(self, name)) is not None}


FIELDS = ("request_id", "team", "user", "listener")
EXTRAS = ("kind", "outcome", "duration_ms")  # set on a request's summary line (`extra=`)
CURRENT: ContextVar[RequestFields | None] = ContextVar("kudos_request", default=None)
_user_key = os.urandom(32)  # replaced by one derived from the signing secret (`configure`)


def new_request_id() -> str:
    """Unique, not secret: it names a request in logs (no system call, unlike `secrets`)."""
    return f"{random.getrandbits(64):016x}"  # the module's generator: reseeded after a fork


def request_id() -> str | None:
    """The id of the Slack request whose work is running, if any."""
    fields = CURRENT.get()
    return fields.request_id if fields else None


def delivery_fields(intent: Intent) -> RequestFields:
    """A delivery logs under the request that queued it (a new id if that is unknown)."""
    draft = intent.draft
    return RequestFields(
        intent.request_id or new_request_id(), draft.team_id, user_hash(draft.user_id), "delivery"
    )


def user_hash(user_id: str) -> str:
    """The same for one user in every process of a deployment; never reversible to the id."""
    return _keyed_hash(_user_key, user_id)


@lru_cache(maxsize=4096)  # a request's users come back: one HMAC each, not one per line
def _keyed_hash(key: bytes, user_id: str) -> str:
    return hmac.new(key, user_id.encode(), hashlib.sha256).hexdigest()[:16]


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then the request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": _iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (fields := CURRENT.get()) is not None:
            entry |= fields.items()
        entry |= {name: getattr(record, name) for name in EXTRAS if hasattr(record, name)}
        if record.exc_info:  # only when the redacting filter was bypassed
            entry["error"] = self.formatException(record.exc_info)
        masked = {k: redact(v) if isinstance(v, str) else v for k, v in entry.items()}
        return json.dumps(masked, ensure_ascii=False, default=str)


def _iso(created: float) -> str:
    return (
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created))
        + f".{int(created % 1 * 1000):03d}Z"
    )


FORMATTERS = {
    "text": lambda: logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"),
    "json": JsonFormatter,
}


class LogSettings(Protocol):
    """What logging reads of the settings (bot.settings.Settings has it)."""

    @property
    def log_format(self) -> str: ...
    @property
    def log_level(self) -> str: ...
    @property
    def slack_signing_secret(self) -> SecretStr | None: ...


def configure_from(settings: LogSettings) -> None:
    """LOG_FORMAT and LOG_LEVEL; user ids hashed with a key only this deployment has."""
    secret = settings.slack_signing_secret
    key = secret.get_secret_value() if secret is not None else None
    configure(settings.log_format, settings.log_level, key)


def _record_only_what_is_written() -> None:
    """No format here writes where a record was made (file, line, function), nor its thread or
    process: not looking them up spares a stack walk and three calls on every line, one or two
    per Slack request (the logging HOWTO's "Optimization")."""
    logging._srcfile = None  # the HOWTO's switch for callers
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False


def configure(fmt: str = "text", level: str = "INFO", secret: str | None = None) -> None:
    """Root logging for the process; `secret` (the signing secret) keys the user hash."""
    global _user_key
    if secret:
        _user_key = hmac.new(secret.encode(), b"kudos-bridge log user id", "sha256").digest()
    _record_only_what_is_written()
    handler = logging.StreamHandler()
    handler.setFormatter(FORMATTERS[fmt]())
    handler.addFilter(RedactingFilter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # httpx logs full request URLs at INFO; some platforms put secrets in query strings.
    for noisy in ("httpx", "httpcore", "slack_sdk", "slack_bolt"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Bolt reads SLACK_BOT_TOKEN itself and then warns that our configured client wins.
    logging.getLogger("slack_bolt.AsyncApp").addFilter(
        lambda record: "will be unused" not in record.getMessage()
    )
