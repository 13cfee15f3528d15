"""The real outage: the bench stops Redis, and every command must hear that the bot is
temporarily unavailable (and none that it is merely busy), each within Slack's 3 s."""

from __future__ import annotations

import time

from bench.load import commands, run_load
from bench.measure import Context, Replies, Result, Target, _job
from bench.scenarios import BUSY, RECOGNIZE_TEXT, UNAVAILABLE
from bench.stats import Latency, cores
from testkit.redis_process import RedisProcess

SETTLE_S = 10.0


def outage(context: Context, target: Target, redis: RedisProcess) -> Result:
    """`/kudos status` and `/recognize`, half each, while Redis is stopped (then started again)."""
    count = context.options.outage
    replies = Replies(context, "outage")
    bodies = commands("/kudos", "status", context.senders, count // 2, replies.url)
    bodies += commands(
        "/recognize", RECOGNIZE_TEXT, context.senders, count - count // 2, replies.url
    )
    redis.stop()
    try:
        run = run_load(_job(context, target, bodies, context.options.concurrency))
        deadline = time.monotonic() + SETTLE_S
        texts = [sample.text for sample in run.samples if sample.text]
        while len(texts) + replies.count() < count and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        redis.start()
    texts += [str(message.get("text", "")) for _, message in replies.all()]
    result = Result(
        "outage", target.label, context.options.concurrency, Latency.of(run), cores(run)
    )
    result.expected, result.arrived = count, len(texts)
    result.told = {phrase: sum(phrase in text for text in texts) for phrase in (BUSY, UNAVAILABLE)}
    result.notes.append(
        f"Redis stopped: {result.told[UNAVAILABLE]}/{count} told unavailable, "
        f"{result.told[BUSY]} told busy; slowest ack {result.latency.max_ms:.0f} ms"
    )
    return result
