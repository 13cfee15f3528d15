"""The outbox through an outage, with real processes and a real Redis: a burst of Sends whose
first POSTs the platform sits on past the bot's read limit (10 s, bot/platforms/limits.py), some
stored and some not, then the platform recovers. Every recognition arrives once, and every
sender hears once. (Before bot/runtime/tasks.py a few intents of every such run stayed pending
forever: their delivery lock was renewed by a renewal loop that had lost its cancellation.)"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.platforms.limits import PLATFORM_LIMITS
from testkit.bot_process import BotProcess, start_bot, stop_process
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.flows import element, link, text_of
from testkit.support import wait_until
from tests.e2e.test_outbox import RECOGNITIONS, SEND, start_worker

SENDS = 60
APART = 0.05  # seconds between two Sends (the 0.15 only makes the test longer)
HELD = PLATFORM_LIMITS.read + 2.0  # the platform answers only after the bot stopped reading
WORKERS = 4  # 16 deliveries in flight each: every first POST is held at the same time
NUMBER = re.compile(r"release (\d\d) went")


@pytest.fixture
def env(bot_env: dict[str, str]) -> dict[str, str]:
    bot_env["OUTBOX_RETRY_SECONDS"] = "1"
    return bot_env


@pytest.fixture
def web(env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack) -> Iterator[BotProcess]:
    """The workers and the web process, started side by side (whichever consumer takes a Send
    delivers it); ready once every worker said it lives."""
    processes = [start_worker(env, tmp_path / f"worker{n}.log") for n in range(WORKERS)]
    try:
        running = start_bot(env, tmp_path / "web", fake_slack)
        processes.append(running.process)
        with redis.Redis.from_url(env["REDIS_URL"]) as client:
            wait_until(lambda: client.zcard("kb:workers") >= WORKERS, timeout=30)
        yield running
    finally:
        for process in processes:
            process.terminate()  # all at once: each takes a moment to finish its deliveries
        for process in processes:
            stop_process(process)


def previews(bot: BotProcess) -> list[str]:
    """Fire SENDS /recognize commands at once; the Send value of each preview, once all came."""
    for n in range(SENDS):
        text = f"<@U_BOB> release {n:02d} went well #teamwork"
        assert bot.post_command("/recognize", text, "U_ANA").status_code == 200

    def ready() -> list[str] | None:
        shown = [m for m in bot.slack.responses("U_ANA") if "Preview" in text_of(m)]
        found = [str(element(m["blocks"], SEND)["value"]) for m in shown]
        return found if len(found) == SENDS else None

    return wait_until(ready, timeout=20)


def finals(slack: FakeSlack) -> Counter[int]:
    """How often the sender was told each recognition's final outcome, in place or by DM."""
    dms = [m for m in slack.calls("chat.postMessage") if m["channel"] == "U_ANA"]
    told = [text_of(m) for m in [*slack.responses("U_ANA"), *dms]]
    found = (NUMBER.search(text) for text in told if "Recognition sent to" in text)
    return Counter(int(match.group(1)) for match in found if match)


def test_a_burst_of_sends_held_past_the_read_limit_is_delivered_once_each(
    web: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(web)
    drafts = previews(web)
    for n in range(SENDS):  # half stored at once, half never; each answered too late
        fake_achievers.hold_next(HELD, land=n % 2 == 0, method="POST", path=RECOGNITIONS)
    started = time.monotonic()
    for n, draft in enumerate(drafts, 1):
        assert web.post_action(SEND, draft, "U_ANA").status_code == 200
        time.sleep(max(0.0, started + APART * n - time.monotonic()))  # pacing, not waiting
    wait_until(lambda: len(finals(fake_slack)) == SENDS or None, timeout=45)
    numbers = [NUMBER.search(str(r["text"])) for r in fake_achievers.recognitions]
    assert sorted(int(m.group(1)) for m in numbers if m) == list(range(SENDS))  # once each
    assert set(finals(fake_slack).values()) == {1}  # each told once
