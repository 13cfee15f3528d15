"""A Redis primary, its replica and three sentinels on 127.0.0.1, for failover tests."""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import TracebackType

import redis

from testkit.bot_process import stop_process
from testkit.redis_process import RedisProcess
from testkit.support import free_port, wait_until

MASTER = "mymaster"
SENTINELS = 3
QUORUM = 2
DOWN_AFTER_MS = 500  # a primary silent this long is down: the failover starts within a second
FAILOVER_TIMEOUT_MS = 2000


def client(port: int, password: str | None = None) -> redis.Redis:
    return redis.Redis(port=port, password=password, socket_timeout=1, socket_connect_timeout=1)


class SentinelCluster:
    """Both data nodes keep an AOF fsynced on every write and require `password`; `kill_primary`
    SIGKILLs the primary and the sentinels promote the replica (see `wait_for_failover`)."""

    def __init__(self, workdir: Path, password: str) -> None:
        self.workdir, self.password = workdir, password
        self.primary = RedisProcess(workdir / "primary", durable=True, password=password)
        replica_of = ("--replicaof", "127.0.0.1", str(self.primary.port), "--masterauth", password)
        self.replica = RedisProcess(
            workdir / "replica", durable=True, extra=replica_of, password=password
        )
        self.sentinel_ports = [free_port() for _ in range(SENTINELS)]
        self._sentinels: list[subprocess.Popen[bytes]] = []

    @property
    def addresses(self) -> str:
        """The value of REDIS_SENTINELS."""
        return ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)

    def start(self) -> None:
        """Start everything and wait until the replica is in sync and every sentinel sees the
        replica and the other sentinels (so a failover can be agreed)."""
        self.primary.start()
        self.replica.start()
        for port in self.sentinel_ports:
            self._sentinels.append(self._start_sentinel(port))
        wait_until(self._replica_in_sync)
        wait_until(self._sentinels_ready, timeout=15)

    def _start_sentinel(self, port: int) -> subprocess.Popen[bytes]:
        workdir = self.workdir / f"sentinel-{port}"
        workdir.mkdir(parents=True)
        config = workdir / "sentinel.conf"  # a sentinel rewrites its own config file
        config.write_text(
            f"port {port}\nbind 127.0.0.1\ndir {workdir}\n"
            f"sentinel monitor {MASTER} 127.0.0.1 {self.primary.port} {QUORUM}\n"
            f"sentinel auth-pass {MASTER} {self.password}\n"
            f"sentinel down-after-milliseconds {MASTER} {DOWN_AFTER_MS}\n"
            f"sentinel failover-timeout {MASTER} {FAILOVER_TIMEOUT_MS}\n"
        )
        with (workdir / "sentinel.log").open("wb") as out:
            process = subprocess.Popen(
                [self.primary.exe, str(config), "--sentinel"], stdout=out, stderr=subprocess.STDOUT
            )
        wait_until(lambda: _answers(port))
        return process

    def _replica_in_sync(self) -> bool:
        """The replica is linked and has everything the primary wrote."""
        with self.data(self.primary) as primary, self.data(self.replica) as replica:
            offset = primary.info("replication")["master_repl_offset"]
            info = replica.info("replication")
            return bool(info["master_link_status"] == "up" and info["slave_repl_offset"] >= offset)

    def data(self, node: RedisProcess) -> redis.Redis:
        """A client of one data node (the primary or the replica)."""
        return client(node.port, self.password)

    def wait_in_sync(self) -> None:
        """Until the replica holds every write the primary acknowledged (replication is
        asynchronous: see README, Durability)."""
        wait_until(self._replica_in_sync)

    def _sentinels_ready(self) -> bool:
        for port in self.sentinel_ports:
            with client(port) as sentinel:
                state = sentinel.sentinel_master(MASTER)
            if state["num-other-sentinels"] < SENTINELS - 1 or state["num-slaves"] < 1:
                return False
        return True

    def primary_port(self) -> int:
        """The port the sentinels currently name as the primary."""
        with client(self.sentinel_ports[0]) as sentinel:
            _, port = sentinel.sentinel_get_master_addr_by_name(MASTER)
        return int(port)

    def kill_primary(self) -> None:
        assert self.primary.process is not None
        self.primary.process.kill()
        self.primary.process.wait()

    def wait_for_failover(self, timeout: float = 15.0) -> None:
        """Until the sentinels name the replica, and it accepts writes."""

        def promoted() -> bool:
            if self.primary_port() != self.replica.port:
                return False
            with self.data(self.replica) as replica:
                return bool(replica.info("replication")["role"] == "master")

        wait_until(promoted, timeout=timeout)

    def stop(self) -> None:
        for process in self._sentinels:
            stop_process(process)
        self.replica.stop()
        self.primary.stop()

    def __enter__(self) -> SentinelCluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def _answers(port: int) -> bool:
    try:
        with client(port) as node:
            return bool(node.ping())
    except redis.RedisError:
        return False
