"""GET /metrics of `python -m bot`: counters that move with traffic, gauges read from Redis,
METRICS_TOKEN, and several processes (WEB_CONCURRENCY=2 and a worker) in one scrape."""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from testkit.bot_process import BotProcess, start_bot, stop_process
from testkit.fakes import FakeCultureAmp
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.flows import command, link, press, text_of
from testkit.support import free_port, sign, slash_command, wait_until
from tests.e2e.platform_flows import Launch
from tests.e2e.test_outbox import SEND, send_preview, start_worker

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
SERVER_PROCESS = re.compile(r"Started server process \[(\d+)\]")


def scrape(bot: BotProcess | str, token: str | None = None) -> Samples:
    """Every sample of one scrape (of the bot, or of a base URL), by name and labels."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    base_url = bot if isinstance(bot, str) else bot.base_url
    answer = httpx.get(f"{base_url}/metrics", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_a_send_moves_the_counters_and_the_gauges(
    bot: BotProcess, fake_achievers: FakeAchievers
) -> None:
    before = scrape(bot)
    assert value(before, "kudos_ready") == 1
    assert value(before, "kudos_processes", role="web") == 1
    assert value(before, "kudos_links", platform="achievers") == 0
    link(bot)
    assert "Recognition sent" in text_of(press(bot, SEND, send_preview(bot)))
    after = scrape(bot)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("kudos_slack_requests_total", kind="command", outcome="ok") >= 2
    assert moved("kudos_slack_requests_total", kind="action", outcome="ok") == 1
    assert moved("kudos_slack_ack_seconds_count", kind="action") == 1
    assert moved("kudos_slack_ack_seconds_bucket", kind="action", le="+Inf") == 1
    post = {"platform": "achievers", "operation": "POST /api/v5/recognitions"}
    assert moved("kudos_platform_calls_total", **post, status="2xx") == 1
    assert moved("kudos_platform_call_seconds_count", **post) == 1
    token = {"platform": "achievers", "operation": "POST token", "status": "2xx"}
    assert moved("kudos_platform_calls_total", **token) == 1  # the link's code exchange
    assert moved("kudos_outbox_deliveries_total", platform="achievers", outcome="done") == 1
    assert value(after, "kudos_links", platform="achievers") == 1
    assert value(after, "kudos_outbox_pending") == 0
    assert value(after, "kudos_outbox_oldest_pending_seconds") == 0
    assert not [key for key in after if "U_ANA" in str(key) or "ana@" in str(key)]

    assert "Unlinked" in text_of(command(bot, "unlink", name="/kudos"))
    assert value(scrape(bot), "kudos_links", platform="achievers") == 0


def test_each_enabled_platform_exports_its_outcomes_at_zero_from_the_start(bot: BotProcess) -> None:
    """A first failure must be an increase rate() and increase() see, not a series appearing."""
    samples = scrape(bot)
    for outcome in ("done", "failed"):
        labels = frozenset({"platform": "achievers", "outcome": outcome}.items())
        assert samples[("kudos_outbox_deliveries_total", labels)] == 0
    for outcome in ("ok", "revoked", "unavailable", "error"):
        labels = frozenset({"platform": "achievers", "outcome": outcome}.items())
        assert samples[("kudos_token_refreshes_total", labels)] == 0
    assert samples[("kudos_outbox_retries_total", frozenset({("platform", "achievers")}))] == 0


def test_a_platform_call_that_fails_counts_by_status_class(
    bot: BotProcess, fake_achievers: FakeAchievers
) -> None:
    link(bot)
    draft = send_preview(bot)
    fake_achievers.fail_next(400)
    assert "was not delivered" in text_of(press(bot, SEND, draft))
    samples = scrape(bot)
    post = {"platform": "achievers", "operation": "POST /api/v5/recognitions"}
    assert value(samples, "kudos_platform_calls_total", **post, status="4xx") == 1
    assert value(samples, "kudos_outbox_deliveries_total", platform="achievers", outcome="failed")


def test_refused_and_unreadable_requests_count_as_such(bot: BotProcess) -> None:
    body = slash_command(
        "/kudos", "status", user_id="U_ANA", response_url=bot.slack.response_url("x")
    )
    forged = httpx.post(
        f"{bot.base_url}/slack/events", content=body, headers=sign("not-the-secret", body)
    )
    assert forged.status_code == 401
    assert bot.post_signed(b"payload=%7Bnot+json").text == "unreadable request"
    samples = scrape(bot)
    assert value(samples, "kudos_slack_requests_total", kind="command", outcome="unsigned") == 1
    assert value(samples, "kudos_slack_requests_total", kind="other", outcome="unreadable") == 1
    assert value(samples, "kudos_slack_requests_total", kind="command", outcome="ok") == 0


@pytest.fixture
def guarded(bot_env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack) -> Iterator[BotProcess]:
    running = start_bot(bot_env | {"METRICS_TOKEN": "s3cret-scrape"}, tmp_path / "bot", fake_slack)
    yield running
    stop_process(running.process)


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic s3cret-scrape", "s3cret-scrape"])
def test_metrics_token_is_required_when_set(guarded: BotProcess, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    answer = httpx.get(f"{guarded.base_url}/metrics", headers=headers)
    assert answer.status_code == 401
    assert "kudos_" not in answer.text


def test_metrics_token_opens_the_metrics(guarded: BotProcess) -> None:
    assert value(scrape(guarded, "s3cret-scrape"), "kudos_ready") == 1


def test_every_process_of_the_host_is_in_one_scrape(
    bot_env: dict[str, str],
    tmp_path: Path,
    fake_slack: FakeSlack,
    fake_achievers: FakeAchievers,
) -> None:
    """Two web processes and a worker share PROMETHEUS_MULTIPROC_DIR: whichever web process
    answers, the scrape holds all three, and the worker's deliveries; a killed worker drops out."""
    shared = tmp_path / "metrics"
    shared.mkdir()
    env = bot_env | {"PROMETHEUS_MULTIPROC_DIR": str(shared), "OUTBOX_RETRY_SECONDS": "1"}
    worker_log = tmp_path / "worker.log"
    worker = start_worker(env, worker_log)
    web = start_bot(env | {"WEB_CONCURRENCY": "2"}, tmp_path / "web", fake_slack)
    try:
        wait_until(lambda: len(set(SERVER_PROCESS.findall(web.log_text()))) == 2)

        def all_three() -> Samples | None:
            samples = scrape(web)
            live = (value(samples, "kudos_processes", role=r) for r in ("web", "worker"))
            return samples if tuple(live) == (2, 1) else None

        wait_until(all_three, timeout=20)
        link(web)
        web.post_action(SEND, send_preview(web), "U_ANA")
        wait_until(lambda: "delivery on achievers: done" in worker_log.read_text(), timeout=20)
        done = {"platform": "achievers", "outcome": "done"}  # counted by the worker
        delivered = wait_until(
            lambda: value(scrape(web), "kudos_outbox_deliveries_total", **done) or None
        )
        assert delivered == 1
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        wait_until(lambda: value(scrape(web), "kudos_processes", role="worker") == 0)
        assert value(scrape(web), "kudos_processes", role="web") == 2
    finally:
        stop_process(web.process)
        stop_process(worker)


def test_a_directory_platform_reports_its_age_and_its_app_token(
    launch: Launch, fake_cultureamp: FakeCultureAmp
) -> None:
    bot = launch("cultureamp")
    employees = {"platform": "cultureamp", "operation": "GET /v1/employees", "status": "2xx"}
    wait_until(lambda: value(scrape(bot), "kudos_platform_calls_total", **employees) == 3)
    samples = scrape(bot)
    assert 0 < value(samples, "kudos_directory_age_seconds", platform="cultureamp") < 60
    assert value(samples, "kudos_token_refreshes_total", platform="cultureamp", outcome="ok") == 1
    assert value(samples, "kudos_platform_calls_total", **employees) == 3  # three pages
    assert not [name for name, _ in samples if name == "kudos_links"]  # nobody links to it
    failed = frozenset({"platform": "cultureamp", "outcome": "revoked"}.items())
    assert samples[("kudos_token_refreshes_total", failed)] == 0  # there from the start
    assert not [name for name, _ in samples if name == "kudos_outbox_deliveries_total"]


def test_a_worker_with_no_shared_directory_serves_its_own_metrics(
    bot_env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack, redis_url: str
) -> None:
    """Web and worker apart (no PROMETHEUS_MULTIPROC_DIR, as in two containers): the worker's
    deliveries are on its own /metrics at METRICS_PORT, behind METRICS_TOKEN like the web's."""
    port = free_port()
    env = bot_env | {"METRICS_PORT": str(port), "METRICS_TOKEN": "s3cret-scrape"}
    worker_log = tmp_path / "worker.log"
    worker = start_worker(env, worker_log)
    own = f"http://127.0.0.1:{port}"
    with redis.Redis.from_url(redis_url) as client:  # alive, so the web leaves the queue to it
        wait_until(lambda: client.zcard("kb:workers") >= 1, timeout=20)
    web = start_bot(env, tmp_path / "web", fake_slack)
    try:
        assert "worker metrics: GET /metrics on port" in worker_log.read_text()
        assert httpx.get(f"{own}/metrics").status_code == 401
        assert value(scrape(own, "s3cret-scrape"), "kudos_processes", role="worker") == 1
        link(web)
        web.post_action(SEND, send_preview(web), "U_ANA")
        done = {"platform": "achievers", "outcome": "done"}
        delivered = wait_until(
            lambda: (
                value(scrape(own, "s3cret-scrape"), "kudos_outbox_deliveries_total", **done) or None
            ),
            timeout=20,
        )
        assert delivered == 1
        assert value(scrape(web, "s3cret-scrape"), "kudos_outbox_deliveries_total", **done) == 0
    finally:
        stop_process(web.process)
        stop_process(worker)
