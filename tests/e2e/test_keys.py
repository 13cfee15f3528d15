"""Key rotation: re-encrypt every token under a new key, retire the old one, never crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import redis
from cryptography.fernet import Fernet

from testkit.bot_process import start_bot, stop_process
from testkit.fakes.slack import FakeSlack
from testkit.flows import command, link, text_of
from testkit.support import free_port


def rotate(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "rotate-keys"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def status(env: dict[str, str], workdir: Path, slack: FakeSlack) -> str:
    bot = start_bot(env, workdir, slack)
    try:
        return text_of(command(bot, "status", name="/kudos"))
    finally:
        stop_process(bot.process)


def test_rotate_keys_lets_the_old_key_retire(
    bot_env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack, redis_url: str
) -> None:
    old, new = bot_env["TOKEN_ENCRYPTION_KEYS"], Fernet.generate_key().decode()
    bot = start_bot(bot_env, tmp_path / "first", fake_slack)
    link(bot)
    stop_process(bot.process)
    with redis.Redis.from_url(redis_url) as client:  # a record no key will ever open
        client.set("kb:link:T1:U_GONE:achievers", Fernet(Fernet.generate_key()).encrypt(b"{}"))
    result = rotate(bot_env | {"TOKEN_ENCRYPTION_KEYS": f"{new},{old}"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "re-encrypted 1" in result.stdout and "removed 1" in result.stdout
    assert "linked as Ana Lopez" in status(
        bot_env | {"TOKEN_ENCRYPTION_KEYS": new}, tmp_path / "new-key-only", fake_slack
    )


def test_a_token_no_key_opens_asks_to_link_again(
    bot_env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack
) -> None:
    bot = start_bot(bot_env, tmp_path / "first", fake_slack)
    link(bot)
    stop_process(bot.process)
    stranger = bot_env | {"TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    assert "not linked" in status(stranger, tmp_path / "wrong-key", fake_slack)


def test_rotate_keys_with_redis_down_says_so_in_one_line(
    bot_env: dict[str, str], tmp_path: Path
) -> None:
    result = rotate(bot_env | {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}, tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().splitlines() == [
        "rotate-keys failed: Redis at REDIS_URL did not answer. Run it again once Redis is back; "
        "it is safe to run any number of times."
    ]
