"""The load generator (bench/loadgen.py) against a tiny local server: what it sends, how it
frames replies, and what it reports, in both loops."""

from __future__ import annotations

import asyncio
import os

import pytest
from slack_sdk.signature import SignatureVerifier

from bench.load import Job, Watched, run_load
from bench.loadgen import fire
from tests.bench.tiny_server import TinyServer

SECRET = "tiny-secret"
BODIES = [f"n={n}" for n in range(12)]


def job(server: TinyServer, concurrency: int = 3, rate: float = 0.0, timeout: float = 10.0) -> Job:
    watched = [Watched("tiny", os.getpid(), serves=True)]
    return Job(server.url, SECRET, BODIES, concurrency, timeout, watched, rate)


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
async def test_every_body_is_posted_signed_once_and_each_row_is_its_own_reply(
    framing: str,
) -> None:
    async with TinyServer(framing=framing).serving() as server:
        result = await fire(job(server))
    verifier = SignatureVerifier(SECRET)
    assert sorted(seen.body.decode() for seen in server.seen) == sorted(BODIES)
    for seen in server.seen:
        assert seen.request_line == "POST /slack/events HTTP/1.1"
        assert verifier.is_valid_request(seen.body, seen.headers)
        assert seen.headers["content-type"] == "application/x-www-form-urlencoded"
    rows = result["samples"]
    assert [(status, error, text) for _, status, error, text in rows] == [
        (200, "", f"got {body}") for body in BODIES
    ]


async def test_closed_loop_keeps_its_connections_alive_and_reports_them() -> None:
    async with TinyServer().serving() as server:
        result = await fire(job(server, concurrency=3))
    assert server.connections == 3
    assert {seen.connection for seen in server.seen} == {1, 2, 3}
    assert result["connections"] == {"tiny": 3}  # held by this process when firing ended
    assert set(result["cpu_s"]) == {"tiny", "loadgen", "machine"}


async def test_a_server_that_closes_after_each_reply_gets_a_new_connection_each_time() -> None:
    async with TinyServer(framing="close").serving() as server:
        await fire(job(server, concurrency=2))
    assert server.connections == len(BODIES)


async def test_closed_loop_never_has_more_than_its_concurrency_in_flight() -> None:
    """Replies held until every request arrived: 3 at a time, each round times out (an error,
    its connection dropped) until the last round brings the last request in."""
    async with TinyServer(release_after=len(BODIES)).serving() as server:
        result = await fire(job(server, concurrency=3, timeout=0.4))
    statuses = [(status, error) for _, status, error, _ in result["samples"]]
    assert statuses == [(0, "TimeoutError")] * 9 + [(200, "")] * 3
    assert server.connections == 12


async def test_open_loop_sends_on_schedule_without_waiting_for_replies() -> None:
    """The same held replies: sent at a rate, every request is out before the first reply."""
    async with TinyServer(release_after=len(BODIES)).serving() as server:
        result = await fire(job(server, concurrency=1, rate=500.0))
    assert [status for _, status, _, _ in result["samples"]] == [200] * len(BODIES)
    assert server.connections == len(BODIES)


async def test_no_server_is_an_error_per_request_not_a_crash() -> None:
    server = TinyServer()
    async with server.serving():
        pass  # the port is closed again
    result = await fire(job(server, concurrency=2))
    assert {(status, error) for _, status, error, _ in result["samples"]} == {
        (0, "ConnectionRefusedError")
    }


async def test_the_process_the_bench_runs_returns_the_same_rows() -> None:
    async with TinyServer().serving() as server:
        run = await asyncio.to_thread(run_load, job(server))
    assert [(s.status, s.text) for s in run.samples] == [(200, f"got {b}") for b in BODIES]
    assert run.connections == {"tiny": 3}
    assert run.cpu_s["loadgen"] >= 0
