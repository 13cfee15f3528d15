"""What a benchmark runs against: the fakes, Redis, and the bot or the floor as subprocesses.

Everything is wired as the end-to-end tests wire it (testkit/bot_env.py): the same fakes, the
same bot environment, `python -m bot` started by testkit.bot_process.start_bot, users linked
through the real OAuth flow (testkit/flows.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.load import HarnessError
from testkit import flows
from testkit.bot_env import BOT_TOKEN, bot_environment
from testkit.bot_process import BotProcess, start_bot, stop_process
from testkit.fakes import FakeAchievers, FakeSlack
from testkit.support import free_port, wait_until

RECIPIENT = "U_BOB"
RECIPIENT_MEMBER = "1002"
FIRST_SENDER_MEMBER = 3000


@dataclass(frozen=True)
class Fakes:
    """Slack and the platform, served from threads of this process."""

    slack: FakeSlack
    achievers: FakeAchievers


def sender_ids(count: int) -> list[str]:
    return [f"U_S{n:02d}" for n in range(count)]


@contextmanager
def serving_fakes(senders: list[str]) -> Iterator[Fakes]:
    """Slack and Achievers with Bob (the recipient) and every sender, same e-mail on both."""
    slack = FakeSlack(BOT_TOKEN)
    achievers = FakeAchievers("ach-client", "ach-secret")
    slack.add_user(RECIPIENT, "bob", "bob@example.com", real_name="Bob Stone")
    achievers.add_member(RECIPIENT_MEMBER, "Bob", "Stone", "bob@example.com")
    for number, user in enumerate(senders):
        email = f"{user.lower()}@example.com"
        slack.add_user(user, user.lower(), email, real_name=f"Sender {number}")
        achievers.add_member(str(FIRST_SENDER_MEMBER + number), "Sender", str(number), email)
    with slack.serving(), achievers.serving():
        yield Fakes(slack, achievers)


def bot_env(fakes: Fakes, redis_url: str) -> dict[str, str]:
    """The bot's environment as the e2e tests build it, on a free port."""
    port = free_port()
    fakes.achievers.redirect_uri = f"http://127.0.0.1:{port}/oauth/achievers/callback"
    return bot_environment(port, redis_url, fakes.slack, fakes.achievers)


@contextmanager
def running_bot(
    env: dict[str, str], workdir: Path, slack: FakeSlack, processes: int
) -> Iterator[BotProcess]:
    """`python -m bot` with WEB_CONCURRENCY=`processes`, stopped on leaving."""
    bot = start_bot(env | {"WEB_CONCURRENCY": str(processes)}, workdir, slack)
    try:
        yield bot
    finally:
        stop_process(bot.process)


def _answers(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def running_bare(
    env: dict[str, str], workdir: Path, slack: FakeSlack, *, read: bool = False
) -> Iterator[BotProcess]:
    """`python -m bench.bare` with the bot's environment on its own port, stopped on leaving;
    `read`: its `/kudos` reads the sender's link record first (BENCH_BARE_READ=1)."""
    port = free_port()
    env = env | {"PORT": str(port), "PUBLIC_URL": f"http://127.0.0.1:{port}"}
    env |= {"BENCH_BARE_READ": "1"} if read else {}
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "bare.log"
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.bare"], cwd=workdir, env=env, stdout=out, stderr=out
        )
    bare = BotProcess(env["PUBLIC_URL"], env["SLACK_SIGNING_SECRET"], slack, process, log_path)
    try:
        wait_until(lambda: process.poll() is not None or _answers(bare.base_url), 20.0)
        if process.poll() is not None:
            raise HarnessError(f"bench.bare exited with {process.returncode}:\n{bare.log_text()}")
        yield bare
    finally:
        stop_process(process)


def check_reads(bare: BotProcess) -> None:
    """A `bare+read` whose reads found no link record (or one it couldn't open) measured no
    read: a harness error, not a figure."""
    counts = httpx.get(f"{bare.base_url}/reads", timeout=5).json()
    if not counts.get("found") or set(counts) != {"found"}:
        raise HarnessError(f"bare+read's link reads found {counts}, not only linked records")


def link_senders(bot: BotProcess, fakes: Fakes, senders: list[str]) -> None:
    """Link every sender to Achievers through the real OAuth flow, one after the other."""
    for number, user in enumerate(senders):
        fakes.achievers.logged_in = str(FIRST_SENDER_MEMBER + number)
        flows.link(bot, user)


def log_tail(server: BotProcess, lines: int = 30) -> str:
    return "\n".join(server.log_text().splitlines()[-lines:])
