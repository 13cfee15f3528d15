"""`/recognize` and `/kudos` with any text, from a user who is linked nowhere: always 200 inside
3 s, always an answer, never a traceback, never a side effect."""

from __future__ import annotations

from hypothesis import given

from testkit.support import slash_command
from tests.fuzz.harness import FUZZ_MORE, FUZZER, Target
from tests.fuzz.strategies import channel_ids, kudos_texts, recognize_texts, team_ids


def run(target: Target, command: str, text: str, channel: str, team: str) -> None:
    key = target.response_key()
    opened = len(target.slack.calls("views.open"))
    url = target.slack.response_url(key)
    body = slash_command(
        command, text, user_id=FUZZER, team_id=team, channel_id=channel, response_url=url
    )
    response = target.signed(body)
    assert response.status_code == 200, response.text
    target.answered(response, key, opened)
    target.check(response)


@FUZZ_MORE
@given(text=recognize_texts, channel=channel_ids, team=team_ids)
def test_recognize_any_text(target: Target, text: str, channel: str, team: str) -> None:
    run(target, "/recognize", text, channel, team)


@FUZZ_MORE
@given(text=kudos_texts, channel=channel_ids, team=team_ids)
def test_kudos_any_text(target: Target, text: str, channel: str, team: str) -> None:
    run(target, "/kudos", text, channel, team)


def test_a_refused_recognize_is_answered_once(target: Target) -> None:
    key = target.response_key()
    url = target.slack.response_url(key)
    refused = slash_command("/recognize", "thanks for the help", user_id=FUZZER, response_url=url)
    response = target.signed(refused)
    assert "Pick at least one teammate to recognize. Try `/recognize @ana" in response.text
    # A later request on the same response_url: once its reply is in, the first had its turn.
    target.settle(key)
    [only] = target.slack.responses(key)
    assert "Pick at least one" not in str(only.get("text")), only
