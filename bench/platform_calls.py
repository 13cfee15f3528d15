"""Platform calls per recognition: the first one to a person, then repeats to the same person.

One sender, one recognition at a time (preview, then Send, then the recognition at the
platform), reading the Achievers fake's request log between the steps, so every call is
attributed to the step that made it."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.load import SEND
from bench.scenarios import RECOGNIZE_TEXT, send_value
from bench.stack import Fakes
from testkit.bot_process import BotProcess
from testkit.flows import command, press
from testkit.support import wait_until

SETTLE = 0.5  # after the recognition arrived: calls that trail it still count


@dataclass
class Calls:
    """Platform calls of one or more recognitions, by step and by request line."""

    recognitions: int = 0
    preview: Counter[str] = field(default_factory=Counter)
    send: Counter[str] = field(default_factory=Counter)

    def add(self, other: Calls) -> None:
        self.recognitions += other.recognitions
        self.preview.update(other.preview)
        self.send.update(other.send)

    def per_recognition(self) -> float:
        total = sum(self.preview.values()) + sum(self.send.values())
        return round(total / self.recognitions, 2) if self.recognitions else 0.0

    def summary(self) -> dict[str, Any]:
        share = 1 / self.recognitions if self.recognitions else 0.0
        return {
            "recognitions": self.recognitions,
            "calls_per_recognition": self.per_recognition(),
            "preview": {line: round(n * share, 2) for line, n in sorted(self.preview.items())},
            "send": {line: round(n * share, 2) for line, n in sorted(self.send.items())},
        }


def _lines(fakes: Fakes, start: int, end: int | None = None) -> Counter[str]:
    return Counter(f"{method} {path}" for method, path, _ in fakes.achievers.requests[start:end])


def recognize_once(bot: BotProcess, fakes: Fakes, sender: str) -> Calls:
    """Preview and Send one recognition to Bob; the platform calls each step made."""
    start, delivered = len(fakes.achievers.requests), len(fakes.achievers.recognitions)
    draft = send_value(command(bot, RECOGNIZE_TEXT, sender))
    if draft is None:
        raise AssertionError("the preview has no Send button")
    previewed = len(fakes.achievers.requests)
    press(bot, SEND, draft, sender)
    wait_until(lambda: len(fakes.achievers.recognitions) > delivered, 30.0)
    time.sleep(SETTLE)
    return Calls(1, _lines(fakes, start, previewed), _lines(fakes, previewed))


def platform_calls(bot: BotProcess, fakes: Fakes, sender: str, repeats: int) -> dict[str, Any]:
    """The first recognition to Bob (cold), then `repeats` more to him."""
    first = recognize_once(bot, fakes, sender)
    again = Calls()
    for _ in range(repeats):
        again.add(recognize_once(bot, fakes, sender))
    return {"first": first.summary(), "repeat": again.summary()}
