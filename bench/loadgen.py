"""The load generator, run as its own process: `python -m bench.loadgen` < job.json > result.json.

It reads a `bench.load.Job` (JSON) on stdin, POSTs every body signed (Slack's v0 signature,
made just before sending) through one shared aiohttp session with `concurrency` connections,
`concurrency` requests in flight at a time, and writes on stdout one `[seconds, status, error]`
per body (in the job's order), the firing window, and the CPU seconds it and each watched
process used in that window. Running apart keeps its event loop and CPU away from the fakes,
which serve from threads of the bench process.

aiohttp, not httpx: on this 2-core machine an httpx.AsyncClient needed 0.7-0.9 of a core for
150-260 requests/s (fewer with more connections) and was the bottleneck; aiohttp (already
installed: Slack's SDK runs on it) drives ~950 requests/s with 0.4 of a core."""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import sys
import time
from typing import Any

import aiohttp

from bench.cpu import own_cpu_s, tree_cpu_s
from bench.load import Job, Watched
from testkit.support import sign

Row = tuple[float, int, str, str]
SHOWN = 120  # characters of an ack's text kept
OPEN_LOOP_CONNECTIONS = 512  # open loop: connections grow while the server falls behind


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_now(watched: list[Watched]) -> dict[str, float]:
    used = {w.name: tree_cpu_s(w.pid) if w.tree else own_cpu_s(w.pid) for w in watched}
    return used | {"loadgen": _own_cpu()}


async def _fire_one(session: aiohttp.ClientSession, job: Job, body: bytes) -> Row:
    headers = sign(job.secret, body)
    started = time.perf_counter()
    try:
        async with session.post(job.url, data=body, headers=headers) as response:
            raw = await response.read()
            return (time.perf_counter() - started, response.status, "", _ack_text(raw))
    except (aiohttp.ClientError, TimeoutError) as error:
        return (time.perf_counter() - started, 0, type(error).__name__, "")


def _ack_text(raw: bytes) -> str:
    """An ack's `text` (JSON) or its plain body, shortened."""
    text = raw.decode(errors="replace")
    if text.startswith("{"):
        with contextlib.suppress(ValueError, AttributeError):
            text = str(json.loads(text).get("text", ""))
    return text[:SHOWN]


async def fire(job: Job) -> dict[str, Any]:
    """Fire the job; the result as the JSON-able dict the bench reads back."""
    bodies = [body.encode() for body in job.bodies]
    width = max(1, min(job.concurrency, len(bodies)))
    rows: list[Row] = [(0.0, 0, "not sent", "")] * len(bodies)
    turns = iter(range(len(bodies)))  # shared by the workers: each takes the next body
    connector = aiohttp.TCPConnector(limit=OPEN_LOOP_CONNECTIONS if job.rate > 0 else width)
    timeout = aiohttp.ClientTimeout(total=job.timeout_s)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def worker() -> None:
            for index in turns:
                rows[index] = await _fire_one(session, job, bodies[index])

        async def paced(index: int, at: float) -> None:
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            rows[index] = await _fire_one(session, job, bodies[index])

        cpu_before, started = _cpu_now(job.watched), time.perf_counter()
        if job.rate > 0:
            await asyncio.gather(*(paced(i, started + i / job.rate) for i in range(len(bodies))))
        else:
            await asyncio.gather(*(worker() for _ in range(width)))
        elapsed, cpu_after = time.perf_counter() - started, _cpu_now(job.watched)
    cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_after}
    return {"samples": rows, "elapsed_s": elapsed, "cpu_s": cpu}


def read_job(text: str) -> Job:
    raw = json.loads(text)
    watched = [Watched(**entry) for entry in raw.pop("watched")]
    return Job(**raw, watched=watched)


def main() -> int:
    job = read_job(sys.stdin.read())
    json.dump(asyncio.run(fire(job)), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
