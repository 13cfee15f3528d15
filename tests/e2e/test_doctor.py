"""`python -m bot doctor` against the running bot, a real Redis and the fakes of Slack and the
platforms: all good exits 0; a Redis without appendonly, a token no key opens, a Slack token
missing a scope, a platform's credentials refused each get ✗ with what to do; CONFIG refused by
Redis is `?`, not ✗."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from testkit.bot_process import BotProcess
from testkit.fakes import FakeCultureAmp, FakeSlack
from testkit.fakes.server import serve
from testkit.fakes.slack_oauth import Consent
from testkit.flows import link
from testkit.redis_process import RedisProcess
from tests.e2e.install_flows import install
from tests.e2e.platform_flows import Launch
from tests.e2e.test_metrics import scrape, value

KEYS = "TOKEN_ENCRYPTION_KEYS"
DOCTOR_TIMEOUT = 60  # every check has its own limit (5 s): this only stops a hung test


def doctor(env: dict[str, str], cwd: Path) -> tuple[int, list[str]]:
    """Run the doctor like an admin would: its exit status and its lines (stdout then stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "doctor"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=DOCTOR_TIMEOUT,
        check=False,
    )
    return done.returncode, (done.stdout + done.stderr).splitlines()


def lines_for(lines: list[str], subject: str) -> str:
    [found] = [line for line in lines if line[2:].startswith(f"{subject}:")]
    return found


@pytest.fixture
def durable_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    """appendonly yes and noeviction, as the README asks."""
    with RedisProcess(tmp_path / "redis", durable=True) as server:
        yield server


@pytest.fixture
def bot_env(bot_env: dict[str, str], durable_redis: RedisProcess, tmp_path: Path) -> dict[str, str]:
    """The doctor shares the bot's PROMETHEUS_MULTIPROC_DIR, as on a host that sets it."""
    metrics = str(tmp_path / "metrics")
    return bot_env | {"REDIS_URL": durable_redis.url, "PROMETHEUS_MULTIPROC_DIR": metrics}


@pytest.fixture
def running(launch: Launch) -> BotProcess:
    """The bot with Achievers (personal links) and Culture Amp (client credentials); Ana linked."""
    bot = launch("achievers", "cultureamp", default="achievers")
    link(bot)
    return bot


def test_all_good_passes_every_check(running: BotProcess, tmp_path: Path) -> None:
    status, lines = doctor(running.env, tmp_path)
    assert status == 0, lines
    assert [line[0] for line in lines[:-1]] == ["✓"] * (len(lines) - 1), lines
    assert "answers through REDIS_URL, version" in lines_for(lines, "Redis")
    assert re.search(r": open all [12] stored tokens sampled$", lines_for(lines, KEYS))  # + app's
    assert "every scope manifest.yml asks for" in lines_for(lines, "Slack")
    assert "answers (400 without credentials)" in lines_for(lines, "Achievers")
    assert "issued an app-level token" in lines_for(lines, "Culture Amp")
    assert "/healthz and /readyz answer 200" in lines_for(lines, "PUBLIC_URL")
    assert "POST /slack/events reaches the bot" in lines_for(lines, "Slack events")
    assert "/oauth/achievers/callback answers a page" in lines_for(lines, "OAuth callback")
    assert lines[-1] == f"{len(lines) - 1} of {len(lines) - 1} checks passed."


def test_each_problem_is_a_cross_with_what_to_do(
    running: BotProcess,
    durable_redis: RedisProcess,
    fake_slack: FakeSlack,
    fake_cultureamp: FakeCultureAmp,
    tmp_path: Path,
) -> None:
    durable_redis.configure(appendonly="no", **{"maxmemory-policy": "allkeys-lru"})
    fake_slack.scopes.remove("users:read.email")
    env = running.env | {
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),  # not the key that sealed them
        "CULTUREAMP__CLIENT_SECRET": "not-the-secret",
    }
    status, lines = doctor(env, tmp_path)
    refused = {"platform": "cultureamp", "operation": "POST token", "status": "4xx"}
    assert value(scrape(running), "kudos_platform_calls_total", **refused) == 0  # not the bot's
    assert status == 1
    assert lines_for(lines, "Redis appendonly") == (
        "✗ Redis appendonly: is no: a restarted Redis comes back empty (links, queued "
        "recognitions) → set `appendonly yes` in redis.conf, or now: CONFIG SET appendonly yes"
    )
    assert "CONFIG SET maxmemory-policy noeviction" in lines_for(lines, "Redis maxmemory-policy")
    assert re.search(r"no key opens ([12]) of the \1 stored", lines_for(lines, KEYS))
    assert "lacks users:read.email → add the scopes" in lines_for(lines, "Slack")
    assert "✗ Culture Amp: refused the client credentials" in lines_for(lines, "Culture Amp")
    assert lines[-1] == f"5 of {len(lines) - 1} checks failed (✗)."


def test_redis_refusing_config_is_unknown_not_a_failure(
    running: BotProcess, durable_redis: RedisProcess, tmp_path: Path
) -> None:
    durable_redis.acl("default", "-config")  # as managed Redis services do
    status, lines = doctor(running.env, tmp_path)
    assert status == 0, lines
    assert lines_for(lines, "Redis appendonly").startswith(
        "? Redis appendonly: could not check: this Redis refuses CONFIG GET"
    )
    assert "make sure maxmemory-policy is noeviction" in lines_for(lines, "Redis maxmemory-policy")
    assert lines[-1].endswith("; 2 could not be checked (?).")


def test_redis_away_fails_its_checks_and_settings_come_first(
    running: BotProcess, durable_redis: RedisProcess, tmp_path: Path
) -> None:
    durable_redis.stop()
    status, lines = doctor(running.env, tmp_path)
    assert status == 1
    assert "✗ Redis: no answer through REDIS_URL → check REDIS_URL (host" in lines_for(
        lines, "Redis"
    )
    assert (
        lines_for(lines, "Redis appendonly")
        == "? Redis appendonly: not checked: Redis did not answer"
    )
    assert "/readyz answered 503: the bot there does not reach Redis" in lines_for(
        lines, "PUBLIC_URL"
    )

    env = {k: v for k, v in running.env.items() if k != "SLACK_SIGNING_SECRET"}
    status, lines = doctor(env, tmp_path)
    assert status == 1 and len(lines) == 1, lines
    assert lines[0].startswith("✗ Settings: SLACK_SIGNING_SECRET is not set")


def test_an_unusable_metrics_directory_is_a_settings_failure(
    bot_env: dict[str, str], tmp_path: Path
) -> None:
    """The metrics directory is chosen as the code is imported; the doctor reports it, as the bot
    refuses to start with it, instead of failing with a traceback."""
    status, lines = doctor(bot_env | {"PROMETHEUS_MULTIPROC_DIR": "/dev/null/metrics"}, tmp_path)
    assert status == 1 and len(lines) == 1, lines
    assert lines[0].startswith(
        "✗ Settings: PROMETHEUS_MULTIPROC_DIR=/dev/null/metrics can't hold the metrics files "
        "(Not a directory): give it a directory the bot may write to, or unset it →"
    )


def test_with_several_workspaces_slack_is_checked_with_an_installed_workspace_token(
    multi_bot: BotProcess, tmp_path: Path
) -> None:
    """No bot token to try before any install: `?` saying so; then the installation's."""
    _, lines = doctor(multi_bot.env, tmp_path)
    assert lines_for(lines, "Slack").startswith("? Slack: several workspaces"), lines
    assert "/slack/install" in lines_for(lines, "Slack")
    assert lines_for(lines, "Settings").startswith("✓")
    assert install(multi_bot, Consent("T_A")).status_code == 200
    _, lines = doctor(multi_bot.env, tmp_path)
    assert "every scope manifest.yml asks for" in lines_for(lines, "Slack"), lines
    (token,) = multi_bot.slack.installs.tokens_of("T_A")
    assert multi_bot.slack.tokens("auth.test")[-1] == token


def proxy_answering_posts_itself(bot: BotProcess) -> Starlette:
    """A proxy that passes GETs on to the bot but answers every POST with its own page."""

    async def passed_on(request: Request) -> Response:
        async with httpx.AsyncClient() as http:
            answer = await http.get(f"{bot.base_url}{request.url.path}")
        kind = answer.headers.get("content-type", "text/plain")
        return Response(answer.content, answer.status_code, media_type=kind)

    async def own_page(request: Request) -> Response:
        return Response("<html>Welcome to nginx!</html>", media_type="text/html")

    return Starlette(
        routes=[
            Route("/{path:path}", passed_on, methods=["GET"]),
            Route("/{path:path}", own_page, methods=["POST"]),
        ]
    )


def test_a_proxy_that_does_not_pass_slack_events_on_is_a_cross(
    running: BotProcess, tmp_path: Path
) -> None:
    with serve(proxy_answering_posts_itself(running)) as proxy:
        status, lines = doctor(running.env | {"PUBLIC_URL": proxy}, tmp_path)
    assert status == 1, lines
    assert lines_for(lines, "PUBLIC_URL").startswith("✓")  # its GETs reach the bot
    assert lines_for(lines, "Slack events") == (
        "✗ Slack events: an unsigned POST /slack/events answered 200, not the bot's own 401 "
        '"invalid request" → route POST /slack/events at PUBLIC_URL to the bot, its body and '
        "X-Slack-* headers unchanged"
    )


def test_slack_not_listing_the_token_scopes_is_unknown_not_a_pass(
    running: BotProcess, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    fake_slack.lists_scopes = False
    status, lines = doctor(running.env, tmp_path)
    assert status == 0, lines
    assert lines_for(lines, "Slack").startswith(
        "? Slack: works as kudosbot in Fake Team, but Slack did not list its scopes (no "
        "x-oauth-scopes)"
    ), lines
