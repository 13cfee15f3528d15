"""The scenarios: `/kudos status`, `/recognize` previews, Send clicks, the burst, throughput."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from bench.load import SEND, commands, send_clicks
from bench.measure import Context, Replies, Result, Target, fire, measure, wait_for
from bench.stack import RECIPIENT
from testkit.flows import elements

RECOGNIZE_TEXT = f"<@{RECIPIENT}> for the smooth release #teamwork"
PREVIEW = "Preview of your recognition"
BUSY, UNAVAILABLE = "very busy", "temporarily unavailable"  # what the bot may say instead
BURST_ACK_LIMIT_MS = 3000.0
Message = dict[str, Any]


def is_preview(message: Message) -> bool:
    return message.get("text") == PREVIEW


def is_answer(message: Message) -> bool:
    """Anything but an error message."""
    return not str(message.get("text", "")).startswith(":warning:")


def recount(result: Result, replies: Replies, good: Callable[[Message], bool]) -> None:
    """Count only the good replies (in acks or later) as arrived; name the others in a note."""
    acked = [{"text": text} for text, n in result.acks.items() for _ in range(n)]
    messages = acked + [message for _, message in replies.all()]
    result.arrived = sum(1 for message in messages if good(message))
    texts = [str(message.get("text", "")) for message in messages]
    told = {phrase: sum(phrase in text for text in texts) for phrase in (BUSY, UNAVAILABLE)}
    result.told = told
    others = Counter(str(m.get("text", ""))[:90] for m in messages if not good(m))
    if others:
        shown = "; ".join(f"{n} x {text!r}" for text, n in others.most_common(3))
        result.notes.append(f"{sum(others.values())} replies were not answers: {shown}")


def warm_up(context: Context, target: Target) -> None:
    """Status requests nobody measures: imports, pools, Bolt's auth.test, the first links."""
    replies = Replies(context, "warmup")
    count = context.options.warmup
    bodies = commands("/kudos", "status", context.senders, count, replies.url)
    answered = fire(context, target, bodies, context.options.concurrency)
    if target.counted:
        wait_for(replies.count, count - answered, context.options.settle_s)


def status(context: Context, target: Target, *, throughput: bool = False) -> Result:
    """`/kudos status` from linked users (latency, or at throughput concurrency)."""
    options = context.options
    count = options.throughput_requests if throughput else options.requests
    width = options.throughput_concurrency if throughput else options.concurrency
    replies = Replies(context, "status")
    bodies = commands("/kudos", "status", context.senders, count, replies.url)
    name = "throughput" if throughput else "status"
    rate = 0.0 if throughput else options.rate
    if not target.counted:
        return measure(context, target, name, bodies, width, rate=rate)
    result = measure(context, target, name, bodies, width, replies.count, rate)
    recount(result, replies, is_answer)
    return result


def recognize(
    context: Context, target: Target, name: str, count: int, width: int, rate: float = 0.0
) -> Result:
    """`count` x `/recognize @bob for … #teamwork`, `width` at a time or at `rate` per second;
    previews must arrive."""
    replies = Replies(context, name)
    bodies = commands("/recognize", RECOGNIZE_TEXT, context.senders, count, replies.url)
    if not target.counted:
        return measure(context, target, name, bodies, width, rate=rate)
    result = measure(context, target, name, bodies, width, replies.count, rate)
    recount(result, replies, is_preview)
    return result


def preview(context: Context, target: Target) -> Result:
    options = context.options
    return recognize(
        context, target, "preview", options.requests, options.concurrency, options.rate
    )


def burst(context: Context, target: Target, name: str = "burst") -> Result:
    """Every `/recognize` of the burst at once: every ack < 3 s, every preview delivered, and
    what the others were told (busy, or unavailable: Redis is up all along)."""
    count = getattr(context.options, name)
    result = recognize(context, target, name, count, count)
    slowest = result.latency.max_ms
    every = slowest < BURST_ACK_LIMIT_MS and not result.latency.errors
    result.notes.append(f"every ack < 3 s: {'yes' if every else 'no'} (max {slowest:.0f} ms)")
    result.notes.append(f"previews delivered: {result.arrived}/{count}")
    return result


def overload(context: Context, target: Target) -> Result:
    return burst(context, target, "overload")


def send_value(message: Message) -> str | None:
    """The draft id a preview's Send button carries (None: the preview has no Send)."""
    for element in elements(message.get("blocks") or []):
        if element.get("action_id") == SEND:
            return str(element["value"])
    return None


def make_drafts(context: Context, target: Target, count: int) -> list[tuple[str, str]]:
    """(sender, draft id) of up to `count` previews made through `/recognize` (not measured)."""
    if not target.counted:  # the floor acks any click: ids need not exist
        return [(context.senders[0], f"bare-draft-{n}") for n in range(count)]
    replies = Replies(context, "drafts")
    bodies = commands("/recognize", RECOGNIZE_TEXT, context.senders, count, replies.url)
    fire(context, target, bodies, context.options.concurrency)
    wait_for(replies.count, count, context.options.settle_s)
    drafts = [(user, send_value(message)) for user, message in replies.all()]
    return [(user, draft) for user, draft in drafts if draft is not None]


class NoDrafts(RuntimeError):
    """The bot made no preview to click Send on: the scenario cannot run (the bot's doing)."""


def send(context: Context, target: Target) -> Result:
    """Send clicks on fresh drafts; arrival is each recognition reaching the platform."""
    count = context.options.send_requests
    drafts = make_drafts(context, target, count)
    if not drafts:
        raise NoDrafts(f"none of {count} previews had a Send button: send was not measured")
    replies = Replies(context, "send")
    delivered_before = len(context.fakes.achievers.recognitions)

    def delivered() -> int:
        return len(context.fakes.achievers.recognitions) - delivered_before

    arrived = delivered if target.counted else None
    bodies = send_clicks(drafts, replies.url)
    options = context.options
    result = measure(context, target, "send", bodies, options.concurrency, arrived, options.rate)
    if len(drafts) < count:
        result.notes.append(f"only {len(drafts)} of {count} previews had a Send to click")
    if target.counted:
        result.notes.append(f"{replies.count()}/{len(drafts)} senders told the outcome")
    return result
