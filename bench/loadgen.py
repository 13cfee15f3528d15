"""The load generator, run as its own process: `python -m bench.loadgen` < job.json > result.json.

It reads a `bench.load.Job` (JSON) on stdin, POSTs every body signed (Slack's v0 signature,
made just before sending) over keep-alive connections (bench/http1.py), and writes on stdout
one `[seconds, status, error, text]` per body (in the job's order), the firing window, the CPU
seconds it and each watched process used in that window, and how many of its connections each
watched server process held at the end. Running apart keeps its event loop and CPU away
from the fakes, which serve from threads of the bench process.

Its own client on uvloop, not aiohttp: aiohttp spent ~0.11 ms of CPU per request, a fifth of
this 2-core machine at 2000 req/s, CPU the server under test then did not get."""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import sys
import time
from collections.abc import Awaitable, Iterator
from typing import Any

import uvloop

from bench.cpu import machine_busy_s, own_cpu_s, tree_cpu_s
from bench.http1 import FAILURES, Connection, Endpoint
from bench.load import Job, Watched
from bench.sockets import held
from testkit.support import sign

Row = tuple[float, int, str, str]
SHOWN = 120  # characters of an ack's text kept
OPEN_LOOP_CONNECTIONS = 512  # open loop: connections grow while the server falls behind


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_now(watched: list[Watched]) -> dict[str, float]:
    used = {w.name: tree_cpu_s(w.pid) if w.tree else own_cpu_s(w.pid) for w in watched}
    return used | {"loadgen": _own_cpu(), "machine": machine_busy_s()}


class Pool:
    """Idle keep-alive connections, and at most `limit` open at once."""

    def __init__(self, endpoint: Endpoint, limit: int) -> None:
        self.endpoint, self._slots = endpoint, asyncio.Semaphore(limit)
        self._idle: list[Connection] = []
        self.opened: list[Connection] = []

    async def take(self) -> Connection:
        await self._slots.acquire()
        while self._idle:
            connection = self._idle.pop()
            if connection.reusable:
                return connection
        try:
            connection = await Connection.open(self.endpoint)
        except BaseException:
            self._slots.release()
            raise
        self.opened.append(connection)
        return connection

    def give_back(self, connection: Connection, ok: bool) -> None:
        if ok and connection.reusable:
            self._idle.append(connection)
        else:
            connection.close()
        self._slots.release()

    def close(self) -> None:
        for connection in self.opened:
            connection.close()


async def _post(pool: Pool, secret: str, body: bytes) -> tuple[int, bytes]:
    connection = await pool.take()
    ok = False
    try:
        head = pool.endpoint.head(body, sign(secret, body))
        reply = await connection.post(head, body)
        ok = True
        return reply
    finally:
        pool.give_back(connection, ok)


async def _fire_one(pool: Pool, job: Job, body: bytes) -> Row:
    started = time.perf_counter()
    try:
        # in the request's own task, with no task inside to lose the cancel (as in
        # bot/store/connection.py); `within` would add a task per request
        async with asyncio.timeout(job.timeout_s):  # noqa: TID251
            status, raw = await _post(pool, job.secret, body)
        return (time.perf_counter() - started, status, "", _ack_text(raw))
    except FAILURES as error:
        return (time.perf_counter() - started, 0, type(error).__name__, "")


def _ack_text(raw: bytes) -> str:
    """An ack's `text` (JSON) or its plain body, shortened."""
    text = raw.decode(errors="replace")
    if text.startswith("{"):
        with contextlib.suppress(ValueError, AttributeError):
            text = str(json.loads(text).get("text", ""))
    return text[:SHOWN]


def _paced(rate: float, count: int) -> Iterator[float]:
    """When each of `count` requests leaves, open loop: one every 1/rate s from now."""
    started = time.perf_counter()
    return (started + index / rate for index in range(count))


async def _run(pool: Pool, job: Job, bodies: list[bytes], rows: list[Row]) -> None:
    async def one(index: int) -> None:
        rows[index] = await _fire_one(pool, job, bodies[index])

    if job.rate <= 0:  # closed loop: `concurrency` workers, each takes the next body
        turns = iter(range(len(bodies)))

        async def worker() -> None:
            for index in turns:
                await one(index)

        width = max(1, min(job.concurrency, len(bodies)))
        await asyncio.gather(*(worker() for _ in range(width)))
        return
    running: list[Awaitable[None]] = []
    for index, at in enumerate(_paced(job.rate, len(bodies))):
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        running.append(asyncio.create_task(one(index)))
    await asyncio.gather(*running)


def _held(job: Job, port: int) -> dict[str, int]:
    """Connections to the server's port held by each watched server process."""
    return {w.name: held(w.pid, port) for w in job.watched if w.serves}


async def fire(job: Job) -> dict[str, Any]:
    """Fire the job; the result as the JSON-able dict the bench reads back."""
    bodies = [body.encode() for body in job.bodies]
    rows: list[Row] = [(0.0, 0, "not sent", "")] * len(bodies)
    closed = max(1, min(job.concurrency, len(bodies)))
    pool = Pool(Endpoint.of(job.url), OPEN_LOOP_CONNECTIONS if job.rate > 0 else closed)
    try:
        cpu_before, started = _cpu_now(job.watched), time.perf_counter()
        await _run(pool, job, bodies, rows)
        elapsed, cpu_after = time.perf_counter() - started, _cpu_now(job.watched)
        connections = _held(job, pool.endpoint.port)
    finally:
        pool.close()
    cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_after}
    return {"samples": rows, "elapsed_s": elapsed, "cpu_s": cpu, "connections": connections}


def read_job(text: str) -> Job:
    raw = json.loads(text)
    watched = [Watched(**entry) for entry in raw.pop("watched")]
    return Job(**raw, watched=watched)


def main() -> int:
    job = read_job(sys.stdin.read())
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        json.dump(runner.run(fire(job)), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
