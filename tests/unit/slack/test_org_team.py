"""Slack's org-level tokens need `team_id` on some methods (and workspace tokens ignore it):
the bot's client adds the request's workspace to exactly the methods that take it."""

from __future__ import annotations

import contextlib

from slack_sdk.errors import SlackApiError

from bot.slack.client import SlackClient, acting_for, takes_team_id
from testkit.bot_env import BOT_TOKEN
from testkit.fakes import FakeSlack


def test_the_methods_the_bot_calls_take_no_team_id_and_listings_do() -> None:
    """What python-slack-sdk's signatures say (the bot calls none of Slack's team_id methods)."""
    called = ["chat.postMessage", "chat.postEphemeral", "views.publish", "users.info"]
    called += ["conversations.history", "conversations.replies", "chat.getPermalink"]
    assert not [method for method in called if takes_team_id(method)]
    assert takes_team_id("users.list") and takes_team_id("conversations.list")


async def _call(client: SlackClient, method: str, **params: str) -> None:
    with contextlib.suppress(SlackApiError):  # the fake serves no listing: what was sent matters
        await client.api_call(method, params=params)


async def test_an_org_wide_token_sends_the_request_workspace_where_slack_takes_it(
    fake_slack: FakeSlack,
) -> None:
    client = SlackClient(token=BOT_TOKEN, base_url=f"{fake_slack.base_url}/api/")
    with acting_for(BOT_TOKEN, org_team="T_X"):
        await _call(client, "users.list")
        await client.chat_postMessage(channel="C1", text="hi")
        await _call(client, "conversations.list", team_id="T_MINE")  # the caller's own wins
    await _call(client, "users.list")  # a workspace's token: nothing added
    assert [call.get("team_id") for call in fake_slack.calls("users.list")] == ["T_X", None]
    assert "team_id" not in fake_slack.calls("chat.postMessage")[0]
    assert fake_slack.calls("conversations.list")[0]["team_id"] == "T_MINE"
