"""The app removed from a workspace: nothing of it is kept, nothing is sent with its dead token,
and the other workspaces go on as before."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import redis

from bot.intents import Intent
from handlers.words import failure_words
from testkit.bot_process import BotProcess, start_bot, stop_process
from testkit.fakes import FakeAchievers, FakeSlack
from testkit.fakes.slack_oauth import Consent
from testkit.flows import element
from testkit.support import wait_until
from tests.e2e.install_flows import (
    Where,
    action_from,
    answer,
    event_from,
    install,
    link_in,
    multi_workspace_env,
    said,
)
from tests.e2e.platform_flows import SEND, draft_id

A, B = Where("T_A"), Where("T_B")
RECOGNIZE = "<@U_BOB> for the smooth release #teamwork"
RECOGNITIONS = "/api/v5/recognitions"
DEDUPE = b"kb:event:"  # the Events API de-duplication memory: all that may stay


SEALED = re.compile(rb"gAAAAA[A-Za-z0-9_\-]+=*")  # a Fernet token (urlsafe base64)


def _contents(client: redis.Redis, key: bytes) -> bytes:
    """Everything a key holds, whatever its type, as one byte string to search."""
    kind = client.type(key)
    reads: dict[bytes, Callable[[], object]] = {
        b"string": lambda: client.get(key),
        b"hash": lambda: client.hgetall(key.decode()),
        b"list": lambda: client.lrange(key, 0, -1),
        b"set": lambda: client.smembers(key),
        b"zset": lambda: client.zrange(key, 0, -1),
        b"stream": lambda: client.xrange(key),
    }
    read = reads.get(kind if isinstance(kind, bytes) else b"")
    # Fernet tokens are random base64 and may spell "T_A" by chance; their owner is in the key
    return SEALED.sub(b"<sealed>", repr(read() if read else None).encode())


def test_app_uninstalled_purges_the_workspace_and_ends_its_queued_recognitions(
    bot_env: dict[str, str],
    fake_slack: FakeSlack,
    fake_achievers: FakeAchievers,
    redis_url: str,
    tmp_path: Path,
) -> None:
    env = multi_workspace_env(bot_env, fake_slack) | {"OUTBOX_RETRY_SECONDS": "1"}
    bot = start_bot(env, tmp_path / "bot", fake_slack)
    try:
        for team in ("T_A", "T_B"):
            assert install(bot, Consent(team)).status_code == 200
            link_in(bot, Where(team))
        answer(bot, A, "/recognize", RECOGNIZE, "U_ANA")  # a preview left open
        # refused for now twice: the second time after the Send stopped watching (5 s), so its
        # news waits for nobody, and names the workspace, its people and their words
        fake_achievers.fail_next(429, 2, retry_after=6, method="POST", path=RECOGNITIONS)
        queued = answer(bot, A, "/recognize", RECOGNIZE, "U_ANA")
        assert action_from(bot, A, SEND, draft_id(queued), "U_ANA").status_code == 200
        wait_until(lambda: _attempted(fake_achievers) == 2, 15)
        with redis.Redis.from_url(redis_url) as client:
            assert _of_a(client)  # the queued recognition's record names the workspace
            wait_until(lambda: [k for k in client.scan_iter("kb:news:*") if _of(client, k)])
        (token_a,) = fake_slack.installs.tokens_of("T_A")
        fake_slack.installs.uninstall("T_A")
        assert event_from(bot, A, {"type": "app_uninstalled"}).status_code == 200
        with redis.Redis.from_url(redis_url) as client:
            wait_until(lambda: not client.keys("kb:install:T_A"))
            wait_until(lambda: not _of_a(client))  # its recognitions, queued or not, forgotten
            for key in client.scan_iter("*"):  # names and values: nothing of A but de-duplication
                if not key.startswith(DEDUPE):
                    assert b"T_A" not in key + _contents(client, key), key
            # the consumer took it up again after the platform's wait, and dropped it unsent
            wait_until(lambda: client.xpending("kb:outbox", "delivery")["pending"] == 0, 15)
        assert not fake_achievers.recognitions
        assert token_a not in fake_slack.tokens("(refused)")  # nothing tried with it
        reply = answer(bot, A, "/kudos", "status", "U_ANA")
        assert "isn't installed" in said(reply)
        assert "linked as" in said(answer(bot, B, "/kudos", "status", "U_ANA"))
    finally:
        stop_process(bot.process)


def _attempted(fake: FakeAchievers) -> int:
    return sum(method == "POST" and path == RECOGNITIONS for method, path, *_ in fake.requests)


def _of(client: redis.Redis, key: bytes) -> bool:
    return b"T_A" in _contents(client, key)


def _of_a(client: redis.Redis) -> list[bytes]:
    """The keys of workspace A's recognitions."""
    return [key for key in client.scan_iter("kb:intent:*") if b"T_A" in _get(client, key)]


def test_tokens_revoked_drops_the_bot_token_and_keeps_the_links(
    multi_bot: BotProcess, redis_url: str
) -> None:
    assert install(multi_bot, Consent("T_A")).status_code == 200
    link_in(multi_bot, A)
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U_BOT_T_A"]}}
    assert event_from(multi_bot, A, revoked).status_code == 200
    with redis.Redis.from_url(redis_url) as client:
        wait_until(lambda: not client.keys("kb:install:T_A"))
        assert client.keys("kb:link:T_A:U_ANA:*")
    assert "isn't installed" in said(answer(multi_bot, A, "/kudos", "status", "U_ANA"))


def test_a_recognition_queued_when_the_bot_token_is_revoked_ends_failed_saying_so(
    bot_env: dict[str, str],
    fake_slack: FakeSlack,
    fake_achievers: FakeAchievers,
    redis_url: str,
    tmp_path: Path,
) -> None:
    env = multi_workspace_env(bot_env, fake_slack) | {"OUTBOX_RETRY_SECONDS": "1"}
    bot = start_bot(env, tmp_path / "bot", fake_slack)
    try:
        assert install(bot, Consent("T_A")).status_code == 200
        link_in(bot, A)
        fake_achievers.fail_next(429, retry_after=3, method="POST", path=RECOGNITIONS)
        queued = answer(bot, A, "/recognize", RECOGNIZE, "U_ANA")
        assert action_from(bot, A, SEND, draft_id(queued), "U_ANA").status_code == 200
        wait_until(lambda: _attempted(fake_achievers) == 1)  # refused for now: queued
        (token_a,) = fake_slack.installs.tokens_of("T_A")
        fake_slack.installs.uninstall("T_A")  # Slack refuses the token from now on
        revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U_BOT_T_A"]}}
        assert event_from(bot, A, revoked).status_code == 200
        with redis.Redis.from_url(redis_url) as client:
            ended = wait_until(lambda: _failed(client), 15)  # taken up again after the wait
        assert "access to this workspace was revoked" in (failure_words(ended.reason) or "")
        assert _attempted(fake_achievers) == 1  # never sent
        assert token_a not in fake_slack.tokens("(refused)")  # nobody told with the dead token
    finally:
        stop_process(bot.process)


def _failed(client: redis.Redis) -> Intent | None:
    intents = [Intent.model_validate_json(_get(client, k)) for k in client.scan_iter("kb:intent:*")]
    return next((intent for intent in intents if intent.status == "failed"), None)


def _get(client: redis.Redis, key: bytes) -> bytes:
    value = client.get(key)
    return value if isinstance(value, bytes) else b""


def test_uninstalling_an_org_wide_install_purges_the_org(
    multi_bot: BotProcess, redis_url: str
) -> None:
    assert install(multi_bot, Consent(None, enterprise_id="E_ORG", org_wide=True)).is_success
    here = Where("T_X", "E_ORG", org_wide=True)
    link_in(multi_bot, here)
    answer(multi_bot, here, "/recognize", RECOGNIZE, "U_ANA")  # a preview left open
    assert event_from(multi_bot, here, {"type": "app_uninstalled"}).status_code == 200
    with redis.Redis.from_url(redis_url) as client:
        wait_until(lambda: not [k for k in client.scan_iter("*") if b"E_ORG" in k])
    assert "isn't installed" in said(answer(multi_bot, here, "/kudos", "status", "U_ANA"))


def test_a_link_started_before_app_uninstalled_does_not_complete(
    multi_bot: BotProcess, fake_achievers: FakeAchievers, redis_url: str
) -> None:
    assert install(multi_bot, Consent("T_A")).status_code == 200
    prompt = answer(multi_bot, A, "/kudos", "link", "U_ANA")
    assert event_from(multi_bot, A, {"type": "app_uninstalled"}).status_code == 200
    with redis.Redis.from_url(redis_url) as client:
        wait_until(lambda: not client.keys("kb:install:T_A"))
        page = httpx.get(element(prompt["blocks"], "link_open")["url"], follow_redirects=True)
        assert page.status_code == 400
        assert "Kudos Bridge was removed from this workspace" in page.text
        assert not any(b"T_A" in key for key in client.scan_iter("kb:link:*"))
    token_calls = [p for m, p, *_ in fake_achievers.requests if m == "POST" and "token" in p]
    assert token_calls == []  # the code was never exchanged
