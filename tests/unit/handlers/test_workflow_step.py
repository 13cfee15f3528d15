"""The workflow step completed from the outbox's outcome hook, when the outcome came after Send's
wait (the consumer tells), and what the step reads from its inputs."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import MESSAGE, RECIPIENTS, InvalidInput
from bot.intents import Intent
from bot.models import Value
from bot.recognition.consumer import Consumer
from bot.recognition.rules import RuleBroken
from handlers.delivery import tell_outcome
from handlers.step_kit import failure
from handlers.value_select import options
from handlers.words import said
from handlers.workflow_step import runner_of, step_request
from testkit.bot_env import BOT_TOKEN
from testkit.fakes.slack import FakeSlack
from tests.unit.delivery_kit import RECOGNITIONS, Kit, a_draft, achievers, kit

__all__ = ["achievers", "kit"]  # fixtures


def step_intent(step: str | None) -> Intent:
    draft = a_draft().model_copy(update={"step": step, "channel_id": "", "announce": False})
    return Intent(id=draft.id, draft=draft)


async def deliver_late(kit: Kit, slack: FakeSlack, intent: Intent) -> None:
    """The consumer delivers with nobody watching, and tells through the real outcome hook."""
    client = AsyncWebClient(token=BOT_TOKEN, base_url=f"{slack.base_url}/api/")
    entry = await kit.queued(intent)
    tell = tell_outcome(client, kit.registry)
    consumer = Consumer(kit.store, kit.deliverer(), tell, worker=True, retry_after=60)
    await consumer.handle(*entry)


async def test_a_late_success_completes_the_step_with_the_recognition(
    kit: Kit, fake_slack: FakeSlack
) -> None:
    await deliver_late(kit, fake_slack, step_intent("Fx0LATE"))
    [sent] = kit.fake.recognitions
    [done] = fake_slack.calls("functions.completeSuccess")
    assert done["function_execution_id"] == "Fx0LATE"
    assert done["outputs"]["recognition_id"] == str(sent["id"])
    assert fake_slack.calls("functions.completeError") == []


async def test_a_late_refusal_fails_the_step_with_the_platforms_reason(
    kit: Kit, fake_slack: FakeSlack
) -> None:
    kit.fake.fail_next(400, method="POST", path=RECOGNITIONS)
    await deliver_late(kit, fake_slack, step_intent("Fx0REFUSED"))
    [failed] = fake_slack.calls("functions.completeError")
    assert failed["function_execution_id"] == "Fx0REFUSED"
    assert failed["error"].startswith("Achievers didn't take the recognition: ")
    assert fake_slack.calls("functions.completeSuccess") == []


async def test_a_send_without_a_step_completes_nothing(kit: Kit, fake_slack: FakeSlack) -> None:
    await deliver_late(kit, fake_slack, step_intent(None))
    assert len(kit.fake.recognitions) == 1
    assert fake_slack.calls("functions.completeSuccess") == []


def test_the_runner_comes_from_the_user_context_and_inputs_are_checked() -> None:
    assert runner_of({"giver": {"id": "U123ABC", "secret": "s3cr3t"}}) == "U123ABC"
    for giver in (None, "U123ABC", {"id": "<@U1>"}):
        with pytest.raises(InvalidInput):
            runner_of({"giver": giver})
    request = step_request({"recipients": ["U1B", "U1B", "U2C"], "message": "hi", "value": "#Team"})
    assert (request.recipient_ids, request.hashtags) == (["U1B", "U2C"], ["Team"])
    for recipients in ([], "U1B", ["not-a-user"], [f"U{n:03d}" for n in range(11)]):
        with pytest.raises(InvalidInput):
            step_request({"recipients": recipients, "message": "hi"})


def test_the_value_menu_keeps_within_block_kit_limits() -> None:
    values = [Value(id=str(n), name="x" * 200) for n in range(120)]
    values.insert(0, Value(id="i" * 200, name="too long an id"))
    shown = options(values)
    assert len(shown) == 100 and shown[0]["value"] == "0"
    assert all(len(option["text"]["text"]) <= 75 for option in shown)


def test_step_failures_are_worded_for_the_workflows_author() -> None:
    mine = failure(RuleBroken("self"))
    assert "running the workflow is among the step's Recipients" in mine
    assert "pick your teammates" not in mine
    with pytest.raises(RuleBroken) as crowded:
        step_request({"recipients": [f"U{n:03d}" for n in range(11)], "message": "thanks"})
    assert (
        failure(crowded.value) == "Recognition not sent: A recognition can go to up to 10 people."
    )
    bot = InvalidInput("Bob is a bot; bots can't receive recognitions.", RECIPIENTS)
    assert failure(bot) == "Recognition not sent: Bob is a bot; bots can't receive recognitions."
    for blank in ("", "  ", None):
        with pytest.raises(InvalidInput) as raised:
            step_request({"recipients": ["U1B"], "message": blank})
        assert raised.value.field == MESSAGE and "step's Message" in said(raised.value)
