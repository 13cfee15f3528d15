"""Slack token rotation in multi-workspace mode: a bot token near its expiry is renewed once,
whatever the number of requests and processes that see it expiring at the same moment."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from testkit.bot_process import start_bot, stop_process
from testkit.fakes import FakeSlack
from testkit.fakes.slack_oauth import Consent
from tests.e2e.install_flows import Where, command_from, install, link_in, multi_workspace_env

A = Where("T_A")
BURST = 20


def test_twenty_concurrent_requests_renew_an_expiring_bot_token_once(
    bot_env: dict[str, str], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = multi_workspace_env(bot_env, fake_slack) | {"WEB_CONCURRENCY": "2"}
    bot = start_bot(env, tmp_path / "bot", fake_slack)
    try:
        # A first token that expires in a minute: well inside the renewal margin.
        assert install(bot, Consent("T_A", rotating=True, expires_in=60)).status_code == 200
        (first,) = fake_slack.installs.tokens_of("T_A")
        assert first.startswith("xoxe.xoxb-")
        with ThreadPoolExecutor(BURST) as pool:
            users = [f"U_{n}" for n in range(BURST)]
            answers = list(pool.map(lambda u: command_from(bot, A, "/kudos", "help", u), users))
        assert all(response.status_code == 200 for response in answers)
        assert fake_slack.installs.refreshes == 1
        assert fake_slack.installs.refused_refreshes == 0  # no refresh token presented twice
        link_in(bot, A)
        renewed = fake_slack.installs.tokens_of("T_A")[-1]
        assert renewed != first
        assert set(fake_slack.tokens("views.publish")) == {renewed}
        assert fake_slack.installs.refreshes == 1
    finally:
        stop_process(bot.process)
