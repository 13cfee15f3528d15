"""Redis that fails over: the bot finds its primary through three sentinels (REDIS_SENTINELS, and
the primary's password from REDIS_URL) and follows a failover without a restart. The primary is
SIGKILLed with a link, a delivered recognition and a queued one in it; during the failover every
Slack request is still acknowledged within 3 s, /readyz recovers by itself, and afterwards the
link is there, the queued recognition is delivered, and nothing reaches the platform twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.bot_process import BotProcess, start_bot, stop_process
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.flows import link, press, preview, text_of
from testkit.sentinel_cluster import SentinelCluster
from testkit.support import wait_until
from tests.e2e.test_doctor import doctor
from tests.e2e.test_metrics import scrape
from tests.e2e.test_redis_faults import (
    SEND,
    acked,
    command_while_down,
    draft_id,
    ready,
    send_one,
)

RECOGNITIONS = "/api/v5/recognitions"
PASSWORD = "failover-secret"
BEFORE, QUEUED, AFTER = "for the release notes", "for the on-call week", "for the retro"


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[SentinelCluster]:
    with SentinelCluster(tmp_path / "redis", PASSWORD) as running:
        yield running


@pytest.fixture
def sentinel_bot(
    cluster: SentinelCluster, bot_env: dict[str, str], fake_slack: FakeSlack, tmp_path: Path
) -> Iterator[BotProcess]:
    """The bot with REDIS_SENTINELS, and REDIS_URL giving only the password (no host: Sentinel
    names the primary); stuck deliveries are retried after 1 s."""
    env = bot_env | {"REDIS_SENTINELS": cluster.addresses, "REDIS_URL": f"redis://:{PASSWORD}@/0"}
    env["OUTBOX_RETRY_SECONDS"] = "1"
    bot = start_bot(env, tmp_path / "bot-run", fake_slack)
    try:
        yield bot
    finally:
        stop_process(bot.process)


def delivered(fake: FakeAchievers) -> Counter[str]:
    """How many recognitions the platform holds for each of the test's messages."""
    texts = (str(r["text"]) for r in fake.recognitions)
    return Counter(part for text in texts for part in (BEFORE, QUEUED, AFTER) if part in text)


def redis_errors(bot: BotProcess) -> float:
    """kudos_redis_errors_total, timeouts and errors together."""
    return sum(v for (name, _), v in scrape(bot).items() if name == "kudos_redis_errors_total")


def test_the_bot_follows_a_failover_and_keeps_what_it_acknowledged(
    sentinel_bot: BotProcess, cluster: SentinelCluster, fake_achievers: FakeAchievers
) -> None:
    bot = sentinel_bot
    link(bot)
    send_one(bot, fake_achievers, f"<@U_BOB> {BEFORE} #teamwork")
    fake_achievers.fail_next(503, times=1000, method="POST", path=RECOGNITIONS)  # down for now
    queued = press(bot, SEND, draft_id(preview(bot, f"<@U_CARL> {QUEUED} #teamwork")))
    assert "I'll deliver it as soon as it does" in text_of(queued)
    cluster.wait_in_sync()  # acknowledged and replicated (replication is asynchronous)
    errors = redis_errors(bot)

    cluster.kill_primary()
    readiness = [ready(bot)]

    def recovered() -> bool:
        """Every request is answered in time while the sentinels agree on a new primary."""
        acked(lambda: bot.post_command("/kudos", "status", "U_ANA"))
        readiness.append(ready(bot))
        return readiness[-1] == 200

    wait_until(recovered, timeout=20)
    assert readiness[0] == 503 and cluster.primary_port() == cluster.replica.port
    assert redis_errors(bot) > errors  # counted through the sentinels' pool too

    assert "linked as Ana Lopez" in command_while_down(bot, "/kudos", "status")
    fake_achievers.faults.clear()  # the platform is back: the queued recognition goes out
    wait_until(lambda: delivered(fake_achievers)[QUEUED])
    send_one(bot, fake_achievers, f"<@U_BOB> {AFTER} #teamwork")
    with cluster.data(cluster.replica) as primary:  # every intent is final: nothing left to send
        wait_until(lambda: primary.xlen("kb:outbox") == 0)
    assert delivered(fake_achievers) == {BEFORE: 1, QUEUED: 1, AFTER: 1}
    assert len(fake_achievers.recognitions) == 3
    _, report = doctor(bot.env, cluster.workdir)  # the pre-flight follows Sentinel too
    assert "✓ Redis: answers through REDIS_SENTINELS, version" in report[1], report
