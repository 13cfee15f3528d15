"""Nothing lost, nothing doubled: the outbox, its workers, reconciliation, Retry, and waits the
platform asks for (KazooHR and 7Geese cases: test_outbox_platforms.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from testkit.bot_process import BotProcess, start_bot, stop_process
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.flows import element, link, press, preview, text_of
from testkit.support import wait_until

SEND, RETRY = "recognition_send", "recognition_retry"
RECOGNITIONS = "/api/v5/recognitions"


def send_preview(bot: BotProcess, text: str = "<@U_BOB> thanks #teamwork") -> str:
    return str(element(preview(bot, text)["blocks"], SEND)["value"])


def dms_to(slack: FakeSlack, user: str, needle: str) -> list[dict[str, Any]]:
    return [
        m for m in slack.calls("chat.postMessage") if m["channel"] == user and needle in text_of(m)
    ]


def posts(fake: FakeAchievers) -> list[Any]:
    """Every recognition POST that reached the platform."""
    return [r for r in fake.requests if r[0] == "POST" and r[1] == RECOGNITIONS]


def delivering_consumer(redis_url: str) -> str:
    """The consumer (worker-<host>-<pid>) holding the one pending outbox entry."""
    with redis.Redis.from_url(redis_url) as client:

        def pending() -> list[dict[str, Any]] | None:
            found: list[dict[str, Any]] = client.xpending_range(
                "kb:outbox", "delivery", "-", "+", 10
            )
            return found or None

        [entry] = wait_until(pending)
    return str(entry["consumer"].decode())


@pytest.fixture
def env(bot_env: dict[str, str]) -> dict[str, str]:
    bot_env["OUTBOX_RETRY_SECONDS"] = "1"
    return bot_env


@pytest.fixture
def web(env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack) -> Iterator[BotProcess]:
    running = start_bot(env, tmp_path / "web", fake_slack)
    yield running
    stop_process(running.process)


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "worker"],
            cwd=log.parent,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture
def workers(env: dict[str, str], tmp_path: Path, redis_url: str) -> Iterator[list[Any]]:
    started = [start_worker(env, tmp_path / f"worker{n}.log") for n in range(2)]
    with redis.Redis.from_url(redis_url) as client:  # both have said they are alive
        wait_until(lambda: client.zcard("kb:workers") >= 2, timeout=20)
    yield started
    for process in started:
        stop_process(process)


@pytest.fixture
def web_beside_workers(
    workers: list[Any], env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack
) -> Iterator[BotProcess]:
    """The web process, started once the workers live: its own consumer never reads the queue
    (started first, it could be in a blocking read when the Send arrives, and deliver it)."""
    running = start_bot(env, tmp_path / "web", fake_slack)
    yield running
    stop_process(running.process)


def test_a_platform_refusal_offers_retry_which_sends_exactly_once(
    web: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(web)
    draft = send_preview(web)
    fake_achievers.fail_next(400)  # the POST is refused
    failed = press(web, SEND, draft)
    assert "was not delivered" in text_of(failed)
    retry = element(failed["blocks"], "recognition_retry")
    assert fake_achievers.recognitions == []
    other = press(web, "recognition_retry", retry["value"], user="U_CARL")
    assert "nothing to retry" in text_of(other)  # only the sender can retry
    sent = press(web, "recognition_retry", retry["value"])
    assert "Recognition sent" in text_of(sent) or "sent to" in text_of(sent)
    assert len(fake_achievers.recognitions) == 1
    again = press(web, "recognition_retry", retry["value"])  # a late second click
    assert "sent to" in text_of(again)
    assert len(fake_achievers.recognitions) == 1


def test_a_worker_killed_mid_delivery_never_doubles_it(
    web_beside_workers: BotProcess,
    workers: list[subprocess.Popen[bytes]],
    fake_achievers: FakeAchievers,
    fake_slack: FakeSlack,
    redis_url: str,
) -> None:
    web = web_beside_workers
    link(web)
    draft = send_preview(web)
    fake_achievers.latency = 1.5  # the POST is in flight long enough to kill its worker
    web.post_action(SEND, draft, "U_ANA")
    wait_until(lambda: posts(fake_achievers))
    holder = delivering_consumer(redis_url)
    pids = [p.pid for p in workers]
    victim = next((p for p in workers if holder.endswith(f"-{p.pid}")), None)
    assert victim is not None, f"held by {holder}, not a worker {pids}:\n{web.log_text()[-3000:]}"
    os.kill(victim.pid, signal.SIGKILL)  # between the POST and marking it done
    wait_until(lambda: dms_to(fake_slack, "U_ANA", "Recognition sent to"), timeout=30)
    assert len(fake_achievers.recognitions) == 1
    assert len(posts(fake_achievers)) == 1  # the survivor reconciled instead of posting again
    with redis.Redis.from_url(redis_url) as client:
        assert client.xpending("kb:outbox", "delivery")["pending"] == 0


def test_a_single_web_process_delivers_by_itself(
    web: BotProcess, fake_achievers: FakeAchievers
) -> None:
    link(web)
    sent = press(web, SEND, send_preview(web))
    assert "Recognition sent to" in text_of(sent)
    assert len(fake_achievers.recognitions) == 1


def test_a_platform_that_is_down_queues_then_delivers_and_dms(
    web: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(web)
    draft = send_preview(web)
    fake_achievers.fail_next(503, times=2, method="POST")  # down for the first two attempts
    queued = press(web, SEND, draft)
    assert "is queued" in text_of(queued)  # told right away, not after a long wait
    assert fake_achievers.recognitions == []
    wait_until(lambda: dms_to(fake_slack, "U_ANA", "Recognition sent to"), timeout=30)
    assert len(fake_achievers.recognitions) == 1
    from tests.e2e.test_metrics import scrape, value  # it imports this module's helpers

    samples = scrape(web)
    assert value(samples, "kudos_outbox_retries_total", platform="achievers") == 2
    done = {"platform": "achievers", "outcome": "done"}
    assert value(samples, "kudos_outbox_deliveries_total", **done) == 1


def test_deliveries_to_a_slow_platform_run_side_by_side(
    web: BotProcess, fake_achievers: FakeAchievers
) -> None:
    """One consumer keeps several deliveries in flight: four Sends reach a platform that takes
    2 s per call well before the first is answered (one at a time, the fourth would take 6 s)."""
    link(web)
    drafts = [send_preview(web, f"<@U_BOB> thanks {n} #teamwork") for n in range(4)]
    fake_achievers.latency = 2.0
    for draft in drafts:
        assert web.post_action(SEND, draft, "U_ANA").status_code == 200
    wait_until(lambda: len(posts(fake_achievers)) == 4 or None, timeout=3.5)
    wait_until(lambda: len(fake_achievers.recognitions) == 4 or None, timeout=15)


def test_a_final_failure_after_the_watch_is_dmed_with_a_retry_only_the_sender_can_use(
    web: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(web)
    draft = send_preview(web)
    fake_achievers.fail_next(503, method="POST", path=RECOGNITIONS)  # down while Ana watches ...
    fake_achievers.fail_next(400, method="POST", path=RECOGNITIONS)  # ... then it refuses
    assert "is queued" in text_of(press(web, SEND, draft))
    [dm] = wait_until(lambda: dms_to(fake_slack, "U_ANA", "was not delivered"), timeout=30)
    retry = element(dm["blocks"], RETRY)
    assert fake_achievers.recognitions == []
    other = press(web, RETRY, retry["value"], user="U_CARL")
    assert "nothing to retry" in text_of(other)
    assert fake_achievers.recognitions == []
    sent = press(web, RETRY, retry["value"])  # the platform accepts again
    assert "Recognition sent to" in text_of(sent)
    assert len(fake_achievers.recognitions) == 1
    assert "nothing to retry" in text_of(press(web, RETRY, retry["value"], user="U_CARL"))
    assert len(fake_achievers.recognitions) == 1


@pytest.mark.parametrize("answer", ["500", "html", "reset"])
def test_a_recognition_that_landed_before_its_answer_failed_is_sent_once(
    web: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack, answer: str
) -> None:
    """The platform stored the recognition, then the answer was a 500, a proxy's HTML page or
    a reset connection: the next attempt finds it there instead of sending it again."""
    link(web)
    draft = send_preview(web)
    fake_achievers.land_then_fail_next(
        500 if answer == "500" else 200,
        html=answer == "html",
        reset=answer == "reset",
        method="POST",
        path=RECOGNITIONS,
    )
    assert "is queued" in text_of(press(web, SEND, draft))
    assert len(fake_achievers.recognitions) == 1  # it landed all the same
    wait_until(lambda: dms_to(fake_slack, "U_ANA", "Recognition sent to"), timeout=30)
    assert len(fake_achievers.recognitions) == 1
    assert len(posts(fake_achievers)) == 1
    from tests.e2e.test_metrics import scrape, value  # it imports this module's helpers

    landed = {"platform": "achievers", "result": "landed"}
    assert value(scrape(web), "kudos_outbox_reconciliations_total", **landed) == 1


def test_a_rate_limited_send_waits_as_long_as_the_platform_asked(
    web: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(web)
    draft = send_preview(web)
    fake_achievers.fail_next(429, retry_after=3, method="POST", path=RECOGNITIONS)
    queued = text_of(press(web, SEND, draft))
    told_at = time.monotonic()
    assert "Achievers asked us to wait 3 seconds. I'll deliver it then and DM you." in queued
    assert "try again" not in queued.lower()
    wait_until(lambda: dms_to(fake_slack, "U_ANA", "Recognition sent to"), timeout=30)
    assert time.monotonic() - told_at > 2.0  # not at the next claim, 1 s later
    assert len(posts(fake_achievers)) == 2
    assert len(fake_achievers.recognitions) == 1


def test_a_sender_whose_response_url_slack_refuses_is_told_by_dm(
    web: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack, redis_url: str
) -> None:
    """The Send request took the outcome (so the consumer stays silent), then Slack refused
    the response_url it shows it through (404, expired or used up): the sender gets a DM."""
    link(web)
    draft = send_preview(web)
    fake_slack.expire_response_url("U_ANA")
    assert web.post_action(SEND, draft, "U_ANA").status_code == 200
    wait_until(lambda: dms_to(fake_slack, "U_ANA", "Recognition sent to"))
    assert ("U_ANA", "expired_url") in fake_slack.refused()
    with redis.Redis.from_url(redis_url) as client:  # the consumer is done too
        wait_until(lambda: client.xpending("kb:outbox", "delivery")["pending"] == 0)
    assert len(dms_to(fake_slack, "U_ANA", "Recognition sent to")) == 1  # told once
    assert dms_to(fake_slack, "U_BOB", "")  # the recipient heard
    assert len(fake_achievers.recognitions) == 1
