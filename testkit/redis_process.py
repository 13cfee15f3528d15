"""A redis-server on a fixed port that a test can stop, restart, freeze and thaw at will."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path
from types import TracebackType

import pytest
import redis

from testkit.bot_process import stop_process
from testkit.support import free_port, wait_until

START_TIMEOUT = 10.0


class RedisProcess:
    """One redis-server on 127.0.0.1:`port`; `restart` brings it back on the same port and dir;
    `extra` arguments are appended (e.g. `--replicaof host port`); with `password`, clients
    must authenticate (`url` carries it).

    With `durable`, the server keeps an append-only file fsynced on every write (`appendfsync
    always`) in `workdir`, so what it held is there again after a restart; without, a restarted
    server is empty."""

    def __init__(
        self,
        workdir: Path,
        *,
        durable: bool = False,
        port: int | None = None,
        extra: tuple[str, ...] = (),
        password: str | None = None,
    ) -> None:
        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(exe).is_file():
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        self.exe, self.workdir, self.durable, self.extra = exe, workdir, durable, extra
        self.password = password
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        workdir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    @property
    def log_path(self) -> Path:
        return self.workdir / "redis.log"

    def args(self) -> list[str]:
        persistence = ["--appendonly", "no"]
        if self.durable:
            persistence = ["--appendonly", "yes", "--appendfsync", "always"]
        return [
            self.exe,
            *("--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
            *persistence,
            *("--dir", str(self.workdir), "--maxmemory-policy", "noeviction"),
            *(("--requirepass", self.password) if self.password else ()),
            *self.extra,
        ]

    def answers(self) -> bool:
        """True when the server answers PING within a second."""
        try:
            with redis.Redis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1) as r:
                return bool(r.ping())
        except redis.RedisError:
            return False

    def configure(self, **settings: str) -> None:
        """CONFIG SET on the running server, e.g. `configure(maxmemory="1")` to fill it up."""
        with redis.Redis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1) as r:
            for name, value in settings.items():
                r.config_set(name, value)

    def acl(self, user: str, *rules: str) -> None:
        """ACL SETUSER on the running server, e.g. `acl("default", "-xadd")`."""
        with redis.Redis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1) as r:
            r.execute_command("ACL", "SETUSER", user, *rules)

    def start(self) -> None:
        """Start the server (again) and wait until it answers."""
        assert self.process is None or self.process.poll() is not None, "already running"
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(self.args(), stdout=out, stderr=subprocess.STDOUT)

        def up() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                pytest.fail(f"redis-server exited:\n{self.log_path.read_text()}")
            return self.answers()

        wait_until(up, timeout=START_TIMEOUT)

    def stop(self) -> None:
        """Shut the server down (SIGTERM: a durable one writes its AOF out first) and wait."""
        if self.process is not None:
            self.thaw()  # a stopped process would hold SIGTERM until continued
            stop_process(self.process)

    def restart(self) -> None:
        self.stop()
        self.start()

    def freeze(self) -> None:
        """SIGSTOP: the kernel still accepts connections, but nothing is ever answered."""
        assert self.process is not None and self.process.poll() is None
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)

    def __enter__(self) -> RedisProcess:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
