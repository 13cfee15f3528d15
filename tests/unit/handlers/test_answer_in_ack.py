"""handlers/kudos_command.py answer_in_ack: a quick /kudos answer is awaited in the listener's own
task and given in the ack; past the budget a timer acks the note and the answer follows."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from bot.slack.lean_runner import AnsweredAck
from handlers import kudos_command
from handlers.errors import Reply


class Respond:
    """What `reply` uses of Bolt's AsyncRespond: the messages it was given."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def __call__(self, **message: Any) -> SimpleNamespace:
        self.sent.append(message)
        return SimpleNamespace(status_code=200, body="ok")


async def test_a_quick_answer_is_given_in_the_ack_from_the_listener_s_own_task() -> None:
    listener, ack, respond = asyncio.current_task(), AnsweredAck(), Respond()

    async def answering() -> Reply:
        assert asyncio.current_task() is listener  # no second task to start and wait for
        return "You're linked to Achievers.", None

    await kudos_command.answer_in_ack(ack, answering(), "", respond)  # type: ignore[arg-type]
    assert ack.response is not None and "linked to Achievers" in str(ack.response.body)
    assert respond.sent == []


async def test_past_the_budget_the_note_is_acked_and_the_answer_follows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kudos_command, "LOOKUP_BUDGET", 0.01)
    ack, respond, release = AnsweredAck(), Respond(), asyncio.Event()

    async def answering() -> Reply:
        await release.wait()
        return "Teamwork, Ownership", None

    listener = asyncio.ensure_future(
        kudos_command.answer_in_ack(ack, answering(), kudos_command.WORKING, respond)  # type: ignore[arg-type]
    )
    await asyncio.wait_for(ack.answered, 5)  # the timer's note, while the answer is worked out
    assert ack.response is not None and ack.response.body == kudos_command.WORKING
    assert not listener.done()
    release.set()
    await asyncio.wait_for(listener, 5)
    assert (
        ack.response is not None and ack.response.body == kudos_command.WORKING
    )  # the ack was given once
    assert [sent["text"] for sent in respond.sent] == ["Teamwork, Ownership"]
    assert respond.sent[0]["replace_original"] is False
