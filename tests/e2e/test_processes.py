"""WEB_CONCURRENCY: several server processes on one port, sharing everything through Redis."""

from __future__ import annotations

import os
import re
import signal
import socket
from pathlib import Path
from urllib.parse import urlsplit

from bench.sockets import held, listeners, workers
from testkit.bot_process import BOT_START_TIMEOUT, BotProcess, start_bot, stop_process
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.flows import command, link, press, preview, text_of
from testkit.support import wait_until

SERVER_PROCESS = re.compile(r"Started server process \[(\d+)\]")


def server_pids(bot: BotProcess) -> set[str]:
    return set(SERVER_PROCESS.findall(bot.log_text()))


def test_two_processes_serve_one_port_and_share_state(
    bot_env: dict[str, str],
    tmp_path: Path,
    fake_slack: FakeSlack,
    fake_achievers: FakeAchievers,
) -> None:
    bot = start_bot(bot_env | {"WEB_CONCURRENCY": "2"}, tmp_path / "bot", fake_slack)
    try:
        assert (
            len(wait_until(lambda: server_pids(bot) if len(server_pids(bot)) == 2 else None)) == 2
        )
        link(bot)  # the state is minted by one request and taken by another, in either process
        for _ in range(4):  # requests land on either process: each finds the link and the draft
            reply = preview(bot, "<@U_BOB> for the smooth release #teamwork")
            draft = next(
                e["value"]
                for b in reply["blocks"]
                for e in b.get("elements", [])
                if e.get("action_id") == "recognition_send"
            )
            assert "Recognition sent" in text_of(press(bot, "recognition_send", draft))
        assert len(fake_achievers.recognitions) == 4
    finally:
        stop_process(bot.process)


def own_listeners(root: int, port: int) -> dict[int, str] | None:
    """Each worker's listening socket, when there are two and each holds one of its own."""
    found = {pid: listeners(pid, port) for pid in workers(root, port) if pid != root}
    mine = {pid: next(iter(held)) for pid, held in found.items() if len(held) == 1}
    return mine if len(mine) == 2 and len(set(mine.values())) == 2 else None


def accepted(workers: dict[int, str], port: int, count: int) -> list[int] | None:
    """How many connections each worker holds, once they hold `count` between them."""
    each = [held(pid, port) for pid in workers]
    return each if sum(each) == count else None


def replaced(root: int, port: int, victim: int) -> dict[int, str] | None:
    """Two workers again with a socket each, the killed one no longer among them."""
    mine = own_listeners(root, port)
    return mine if mine and victim not in mine else None


def answered(connection: socket.socket) -> bool:
    """GET /healthz on an open connection; True when it answers 200."""
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n")
    return connection.recv(4096).startswith(b"HTTP/1.1 200")


def exited(pid: int) -> bool:
    """Gone, or a zombie its parent has not reaped yet."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


def test_each_process_accepts_on_its_own_socket_and_gets_connections(
    bot_env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack
) -> None:
    bot = start_bot(bot_env | {"WEB_CONCURRENCY": "2"}, tmp_path / "bot", fake_slack)
    root, port = bot.process.pid, urlsplit(bot.base_url).port or 80
    try:
        first = wait_until(lambda: own_listeners(root, port))
        assert not listeners(root, port)  # the supervisor holds none: it would never accept
        connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(32)]
        each = wait_until(lambda: accepted(first, port, 32))
        assert min(each) > 0, each  # the kernel hashed the 32 over both (all on one: 2^-31)
        assert all(answered(connection) for connection in connections)
        for connection in connections:
            connection.close()
        victim = next(iter(first))
        os.kill(victim, signal.SIGKILL)  # the supervisor starts another, with its own socket
        now = wait_until(lambda: replaced(root, port, victim), timeout=BOT_START_TIMEOUT)
        assert all(answered(socket.create_connection(("127.0.0.1", port))) for _ in range(8))
    finally:
        stop_process(bot.process)
    assert bot.process.returncode == 0  # SIGTERM stopped the supervisor in time, and its workers
    assert all(exited(pid) for pid in now)


def test_several_processes_need_redis(
    bot_env: dict[str, str], tmp_path: Path, fake_slack: FakeSlack
) -> None:
    env = {k: v for k, v in bot_env.items() if k not in {"REDIS_URL", "TOKEN_ENCRYPTION_KEYS"}}
    bot = start_bot(env | {"WEB_CONCURRENCY": "2"}, tmp_path / "bot", fake_slack)
    try:
        assert "Achievers" in text_of(command(bot, "status", name="/kudos"))
        assert "WEB_CONCURRENCY=2 needs REDIS_URL" in bot.log_text()
        assert len(server_pids(bot)) == 1
    finally:
        stop_process(bot.process)
