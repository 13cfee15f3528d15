"""What one pre-flight check found: passed, failed (with what to do), or could not tell."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services import Services


class Status(Enum):
    PASSED = "✓"
    FAILED = "✗"
    UNKNOWN = "?"  # could not be checked from here (e.g. CONFIG disabled on managed Redis)


@dataclass(frozen=True)
class Result:
    """`found` says what was seen; `fix`, what the admin should do about it."""

    status: Status
    found: str
    fix: str = ""


def passed(found: str) -> Result:
    return Result(Status.PASSED, found)


def failed(found: str, fix: str) -> Result:
    return Result(Status.FAILED, found, fix)


class NotChecked(Exception):
    """Raised by a check that cannot tell; `fix` says what to verify by hand."""

    def __init__(self, found: str, fix: str = "") -> None:
        super().__init__(found)
        self.found, self.fix = found, fix


@dataclass(frozen=True)
class Check:
    """One line of the report: what is checked, and how."""

    subject: str
    run: Callable[[Services], Awaitable[Result]]

    def line(self, result: Result) -> str:
        return line(self.subject, result)


def line(subject: str, result: Result) -> str:
    """`✓ Redis appendonly: is yes`, or with what to do after an arrow."""
    fix = f" → {result.fix}" if result.fix else ""
    return f"{result.status.value} {subject}: {result.found}{fix}"
