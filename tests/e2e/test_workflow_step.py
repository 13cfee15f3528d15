"""The "Give recognition" Workflow Builder step: `function_executed` in, the recognition sent on
the runner's own link, and `functions.completeSuccess` / `functions.completeError` out."""

from __future__ import annotations

import secrets
import time
from typing import Any

import httpx
import pytest
import redis

from bot.store import keys
from testkit.bot_process import BotProcess
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.flows import element, link, text_of
from testkit.support import wait_until
from tests.e2e.event_payloads import deliver, function_executed


def step_run(slack: FakeSlack, runner: str, **inputs: Any) -> tuple[bytes, str, str]:
    """A run of the step as `runner` (Slack fills the user_context itself): the signed body's
    payload, the execution id and its token."""
    token, execution = f"xwfp-{secrets.token_hex(8)}", f"Fx0{secrets.token_hex(5).upper()}"
    slack.step_tokens.add(token)
    giver = {"id": runner, "secret": secrets.token_hex(16)}
    return function_executed(inputs | {"giver": giver}, token, execution), execution, token


def run_step(slack: FakeSlack, bot: BotProcess, runner: str, **inputs: Any) -> tuple[str, str]:
    """Run the step as `runner`: its execution id and token."""
    body, execution, token = step_run(slack, runner, **inputs)
    deliver(bot, body)
    return execution, token


def values_menu(slack: FakeSlack, bot: BotProcess, builder: str) -> None:
    """Workflow Builder asks for the Value menu while `builder` edits the step."""
    token, execution = f"xwfp-{secrets.token_hex(8)}", f"Fx0{secrets.token_hex(5).upper()}"
    slack.step_tokens.add(token)
    inputs = {"builder": {"id": builder, "secret": secrets.token_hex(16)}}
    deliver(bot, function_executed(inputs, token, execution, callback_id="recognition_values"))


def completions(slack: FakeSlack, count: int) -> list[dict[str, Any]] | None:
    calls = slack.calls("functions.completeSuccess")
    return calls if len(calls) >= count else None


def outcome(slack: FakeSlack, method: str) -> dict[str, Any]:
    calls: list[dict[str, Any]] = wait_until(lambda: slack.calls(method))
    return calls[0]


def test_a_linked_runner_recognizes_and_the_step_completes_with_link_and_id(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(bot)
    recipients = ["U_BOB", "U_CARL"]
    execution, token = run_step(
        fake_slack, bot, "U_ANA", recipients=recipients, message="great demo", value="teamwork"
    )
    done = outcome(fake_slack, "functions.completeSuccess")
    [sent] = fake_achievers.recognitions
    assert (sent["nominator"], sent["nominees"], sent["text"]) == (
        "1001", ["1002", "1003"], "great demo",
    )  # fmt: skip
    assert sent["criterionId"] == 601
    assert done["function_execution_id"] == execution
    assert done["outputs"]["recognition_id"] == str(sent["id"])
    assert done["outputs"]["recognition_link"].endswith(f"/event/{sent['id']}")
    assert fake_slack.tokens("functions.completeSuccess") == [token]  # the execution's own
    assert fake_slack.calls("functions.completeError") == []


def test_an_unlinked_runners_step_waits_for_the_link_then_sends_and_completes(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    execution, _ = run_step(
        fake_slack, bot, "U_ANA", recipients=["U_BOB"], message="thanks", value="Teamwork"
    )
    calls = fake_slack.calls
    [prompt] = wait_until(lambda: [c for c in calls("chat.postMessage") if c["channel"] == "U_ANA"])
    assert "once you're linked" in text_of(prompt)
    assert calls("functions.completeError") == [] and fake_achievers.recognitions == []
    page = httpx.get(element(prompt["blocks"], "link_open")["url"], follow_redirects=True)
    assert page.status_code == 200, page.text
    done = outcome(fake_slack, "functions.completeSuccess")
    [sent] = fake_achievers.recognitions
    assert (sent["nominator"], sent["nominees"], sent["criterionId"]) == ("1001", ["1002"], 601)
    assert done["function_execution_id"] == execution
    assert done["outputs"]["recognition_id"] == str(sent["id"])
    told = wait_until(
        lambda: [c for c in calls("chat.postMessage") if "Recognition sent" in text_of(c)]
    )
    assert told[0]["channel"] == "U_ANA" and "linked to Achievers" in text_of(told[0])
    assert calls("functions.completeError") == []


def test_a_step_whose_runner_never_signs_in_fails_when_the_link_button_expires(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack, redis_url: str
) -> None:
    execution, _ = run_step(
        fake_slack, bot, "U_ANA", recipients=["U_BOB"], message="thanks", value="Teamwork"
    )
    calls = fake_slack.calls
    [prompt] = wait_until(lambda: [c for c in calls("chat.postMessage") if c["channel"] == "U_ANA"])
    with redis.Redis.from_url(redis_url) as store:  # ten minutes on: the button has expired
        assert store.zadd(keys.HELD_DEADLINES, {execution: 1.0}, xx=True) == 0
    failed = outcome(fake_slack, "functions.completeError")
    assert failed["function_execution_id"] == execution
    assert "<@U_ANA> hasn't linked a Achievers account" in failed["error"]
    page = httpx.get(element(prompt["blocks"], "link_open")["url"], follow_redirects=True)
    assert page.status_code == 200, page.text  # a late sign-in (we kept the button valid) …
    told = wait_until(
        lambda: [c for c in calls("chat.postMessage") if "run it again" in text_of(c)]
    )
    assert told[0]["channel"] == "U_ANA"  # … sends nothing: the run has ended
    assert fake_achievers.recognitions == [] and calls("functions.completeSuccess") == []


REFUSED = [  # what the step is given, and what its failure says
    ({"recipients": ["U_BOB"], "value": "Speed"}, "no criterion called “Speed”", "Teamwork, Inn"),
    ({"recipients": ["U_ANA"], "value": "Teamwork"}, "running the workflow is among the step's Re"),
    ({"recipients": ["U_BOB"]}, "Achievers requires a criterion", "Customer Focus"),
    ({"recipients": ["U_DAN"], "value": "Teamwork"}, "can't find Dan Moss on Achievers"),
]


@pytest.mark.parametrize(
    ("inputs", "said"),
    [(inputs, said) for inputs, *said in REFUSED],
    ids=["unknown-value", "yourself", "no-value", "unknown-person"],
)
def test_the_usual_rules_hold_and_the_step_fails_saying_why(
    bot: BotProcess,
    fake_achievers: FakeAchievers,
    fake_slack: FakeSlack,
    inputs: dict[str, Any],
    said: list[str],
) -> None:
    link(bot)
    run_step(fake_slack, bot, "U_ANA", message="thanks", **inputs)
    failed = outcome(fake_slack, "functions.completeError")
    assert all(words in failed["error"] for words in said), failed["error"]
    assert fake_achievers.recognitions == []
    assert fake_slack.calls("functions.completeSuccess") == []
    assert "Traceback" not in bot.log_text()


def test_the_value_menu_lists_the_builders_values_before_the_ack_and_a_pick_is_used(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(bot)
    values_menu(fake_slack, bot, "U_ANA")
    [menu] = fake_slack.calls("functions.completeSuccess")  # before the ack, as Slack asks
    options = {o["text"]["text"]: o["value"] for o in menu["outputs"]["options"]}
    assert options == {"Teamwork": "601", "Innovation": "602", "Customer Focus": "603"}
    run_step(fake_slack, bot, "U_ANA", recipients=["U_BOB"], message="wow", value="603")
    wait_until(lambda: len(fake_slack.calls("functions.completeSuccess")) == 2)
    assert [r["criterionId"] for r in fake_achievers.recognitions] == [603]


def test_an_unlinked_builder_is_told_to_link_for_the_menu(
    bot: BotProcess, fake_slack: FakeSlack
) -> None:
    values_menu(fake_slack, bot, "U_BOB")
    [failed] = fake_slack.calls("functions.completeError")
    assert "Link your Achievers account" in failed["error"]


def test_the_step_is_acked_at_once_while_the_platform_is_slow(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(bot)
    fake_achievers.latency = 4.0  # every platform call: the step's work takes far past 3 s
    body, execution, _ = step_run(
        fake_slack, "U_ANA", recipients=["U_BOB"], message="thanks", value="Teamwork"
    )
    started = time.monotonic()
    deliver(bot, body)
    assert time.monotonic() - started < 1.5  # Slack retries (and runs it again) after 3 s
    done = wait_until(lambda: completions(fake_slack, 1), timeout=30)
    assert done[0]["function_execution_id"] == execution and fake_achievers.recognitions


def test_a_redelivered_run_recognizes_and_completes_once(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(bot)
    body, execution, _ = step_run(
        fake_slack, "U_ANA", recipients=["U_BOB"], message="thanks", value="Teamwork"
    )
    deliver(bot, body)
    deliver(bot, body, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    outcome(fake_slack, "functions.completeSuccess")
    later, _ = run_step(  # runs after the redelivery was handled: its outcome marks the end
        fake_slack, bot, "U_ANA", recipients=["U_CARL"], message="also", value="Teamwork"
    )
    completed = wait_until(lambda: completions(fake_slack, 2))
    assert [c["function_execution_id"] for c in completed] == [execution, later]
    assert [r["nominees"] for r in fake_achievers.recognitions] == [["1002"], ["1003"]]
    assert fake_slack.calls("functions.completeError") == []
