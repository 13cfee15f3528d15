"""Multi-workspace mode: the "Add to Slack" flow, its state, and a workspace without the app."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import httpx
import pytest
import redis

from testkit.bot_process import BotProcess, start_bot, stop_process
from testkit.fakes import FakeSlack
from testkit.fakes.slack_oauth import Consent
from testkit.redis_process import RedisProcess
from testkit.support import wait_until
from tests.e2e.event_payloads import function_executed
from tests.e2e.install_flows import (
    COOKIE,
    Where,
    answer,
    approve,
    event_from,
    install,
    link_in,
    multi_workspace_env,
    said,
    start_install,
)

A = Where("T_A")


def test_an_admin_installs_the_app_and_its_workspace_is_served_with_its_own_token(
    multi_bot: BotProcess,
) -> None:
    page = install(multi_bot, Consent("T_A"))
    assert page.status_code == 200, page.text
    assert "installed in your workspace" in page.text
    assert f"{COOKIE}=deleted" in page.headers["set-cookie"]  # the state cookie is spent
    link_in(multi_bot, A)
    preview = answer(multi_bot, A, "/recognize", "<@U_BOB> for the review", "U_ANA")
    assert "Preview" in said(preview), preview
    (token,) = multi_bot.slack.installs.tokens_of("T_A")
    assert set(multi_bot.slack.tokens("users.info")) == {token}
    assert set(multi_bot.slack.tokens("views.publish")) == {token}
    assert multi_bot.slack.tokens("auth.test") == [token]  # at install, never per request


def test_a_workspace_without_the_app_gets_a_polite_answer(multi_bot: BotProcess) -> None:
    reply = answer(multi_bot, Where("T_NOPE"), "/kudos", "help", "U_ANA")
    assert "isn't installed in this workspace" in said(reply), reply
    assert not multi_bot.slack.calls("users.info")


def test_a_workflow_step_run_where_the_app_is_not_installed_fails_at_once(
    multi_bot: BotProcess,
) -> None:
    """Slack is told the run failed, with the run's own token, instead of waiting it out."""
    slack = multi_bot.slack
    token, execution = f"xwfp-{secrets.token_hex(8)}", f"Fx0{secrets.token_hex(5).upper()}"
    slack.step_tokens.add(token)
    step = json.loads(function_executed({"recipients": ["U_BOB"]}, token, execution))["event"]
    assert event_from(multi_bot, A, step).status_code == 200
    [failed] = wait_until(lambda: slack.calls("functions.completeError") or None)
    assert failed["function_execution_id"] == execution
    assert "isn't installed in this workspace" in str(failed["error"])
    assert slack.tokens("functions.completeError") == [token]


def test_the_install_state_is_single_use_bound_to_the_browser_and_expires(
    multi_bot: BotProcess, redis_url: str
) -> None:
    multi_bot.slack.installs.consent = Consent("T_A")
    consent_url, state = start_install(multi_bot)
    assert f"state={state}" in consent_url and len(state) >= 32
    with redis.Redis.from_url(redis_url) as client:
        (key,) = client.keys("kb:installstate:*")
        assert 590 <= client.ttl(key) <= 600
        assert state.encode() not in key  # only a digest is kept
    back = approve(consent_url)
    elsewhere = httpx.get(back)  # another browser: no cookie
    assert elsewhere.status_code == 400 and "another browser" in elsewhere.text
    first = httpx.get(back, cookies={COOKIE: state})
    assert first.status_code == 200, first.text
    replayed = httpx.get(back, cookies={COOKIE: state})
    assert replayed.status_code == 401 and "already used" in replayed.text
    assert len(multi_bot.slack.installs.tokens_of("T_A")) == 1


def test_a_state_that_expired_installs_nothing(multi_bot: BotProcess, redis_url: str) -> None:
    multi_bot.slack.installs.consent = Consent("T_A")
    consent_url, state = start_install(multi_bot)
    back = approve(consent_url)
    with redis.Redis.from_url(redis_url) as client:
        for key in client.keys("kb:installstate:*"):
            client.delete(key)  # what its ten-minute TTL does
    late = httpx.get(back, cookies={COOKIE: state})
    assert late.status_code == 401 and "expired" in late.text
    with redis.Redis.from_url(redis_url) as client:
        assert not client.keys("kb:install:*")


def test_both_a_bot_token_and_client_credentials_stop_the_start(
    bot_env: dict[str, str], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = multi_workspace_env(bot_env, fake_slack) | {"SLACK_BOT_TOKEN": "xoxb-1"}
    with pytest.raises(pytest.fail.Exception) as failed:
        start_bot(env, tmp_path / "bot", fake_slack)
    assert "remove SLACK_BOT_TOKEN" in str(failed.value)


def test_with_redis_down_both_install_steps_answer_a_page_saying_to_try_again(
    bot_env: dict[str, str], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with RedisProcess(tmp_path / "redis") as server:
        env = multi_workspace_env(bot_env, fake_slack) | {"REDIS_URL": server.url}
        bot = start_bot(env, tmp_path / "bot", fake_slack)
        try:
            fake_slack.installs.consent = Consent("T_A")
            consent_url, state = start_install(bot)
            back = approve(consent_url)
            server.stop()
            for answered in (httpx.get(back, cookies={COOKIE: state}), _started(bot)):
                assert answered.status_code == 503, answered.text
                assert answered.headers["content-type"].startswith("text/html")
                assert "temporarily unavailable" in answered.text, answered.text
                assert "start again from the install page" in answered.text
        finally:
            stop_process(bot.process)
    assert not fake_slack.installs.tokens_of("T_A")


def _started(bot: BotProcess) -> httpx.Response:
    return httpx.get(f"{bot.base_url}/slack/install")
