"""sandbox/slack_api.py and slack_views.py: the Web API methods the bot calls, and response URLs."""

from __future__ import annotations

import time

from sandbox.slack_records import BOT_USER_ID, CHANNEL_ID, TEAM_ID, dm_of
from tests.sandbox.conftest import Sim

MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": []}


async def test_token_is_required_and_checked(sim: Sim) -> None:
    assert (await sim.client.post("/api/auth.test")).json()["error"] == "not_authed"
    assert (await sim.api("auth.test", token="xoxb-wrong"))["error"] == "invalid_auth"
    me = await sim.api("auth.test")
    assert (me["team_id"], me["user_id"]) == (TEAM_ID, BOT_USER_ID)


async def test_users_info_has_the_same_emails_as_the_platform(sim: Sim) -> None:
    ana = (await sim.api("users.info", user="U0ANA"))["user"]
    assert ana["profile"]["email"] == "ana@example.com" and not ana["is_bot"]
    bot = (await sim.api("users.info", user=BOT_USER_ID))["user"]
    assert bot["is_bot"] and "email" not in bot["profile"]
    assert (await sim.api("users.info", user="U0NOBODY"))["error"] == "user_not_found"


async def test_post_message_to_channel_and_to_a_person(sim: Sim) -> None:
    posted = await sim.api("chat.postMessage", channel=CHANNEL_ID, text="hello")
    dm = await sim.api("chat.postMessage", channel="U0BOB", text="psst")
    assert posted["ok"] and dm["channel"] == dm_of("U0BOB")
    assert [m["text"] for m in sim.seen("U0BOB")] == ["hello", "psst"]
    assert [m["text"] for m in sim.seen("U0ANA")] == ["hello"]
    assert (await sim.api("chat.postMessage", channel="C0NOPE", text="x"))["error"] == (
        "channel_not_found"
    )


async def test_blocks_get_ids_like_slack_gives_them(sim: Sim) -> None:
    blocks = [{"type": "actions", "elements": [{"type": "button", "text": {"text": "Go"}}]}]
    await sim.api("chat.postEphemeral", channel=CHANNEL_ID, user="U0ANA", text="x", blocks=blocks)
    shown = sim.seen("U0ANA")[0]
    assert shown["ephemeral"] and shown["blocks"][0]["block_id"]
    assert shown["blocks"][0]["elements"][0]["action_id"]
    assert sim.seen("U0BOB") == []


async def test_views_open_needs_a_fresh_unused_trigger(sim: Sim) -> None:
    trigger = sim.workspace.new_trigger("U0ANA")
    opened = await sim.api("views.open", trigger_id=trigger, view=MODAL)
    assert opened["ok"] and sim.workspace.top_view("U0ANA") is not None
    assert (await sim.api("views.open", trigger_id=trigger, view=MODAL))["error"] == (
        "invalid_trigger_id"
    )
    stale = sim.workspace.new_trigger("U0ANA")
    sim.workspace.triggers[stale] = ("U0ANA", time.time() - 1)
    assert (await sim.api("views.open", trigger_id=stale, view=MODAL))["error"] == (
        "expired_trigger_id"
    )


async def test_views_update_checks_the_hash(sim: Sim) -> None:
    trigger = sim.workspace.new_trigger("U0ANA")
    view = (await sim.api("views.open", trigger_id=trigger, view=MODAL))["view"]
    stale = await sim.api("views.update", view_id=view["id"], hash="old", view=MODAL)
    assert stale["error"] == "hash_conflict"
    updated = await sim.api("views.update", view_id=view["id"], hash=view["hash"], view=MODAL)
    assert updated["ok"] and updated["view"]["hash"] != view["hash"]


async def test_views_publish_sets_home(sim: Sim) -> None:
    home = {"type": "home", "blocks": [{"type": "divider"}]}
    assert (await sim.api("views.publish", user_id="U0ANA", view=home))["ok"]
    assert sim.workspace.homes["U0ANA"].body["blocks"][0]["type"] == "divider"
    assert (await sim.api("views.publish", user_id="U0ANA", view=MODAL))["error"] == (
        "invalid_arguments"
    )


async def test_response_url_adds_replaces_and_deletes(sim: Sim) -> None:
    key = sim.workspace.new_response_url("U0ANA", CHANNEL_ID)
    url = f"/response/{key}"
    assert (await sim.client.post(url, json={"text": "first"})).text == "ok"
    assert [m["text"] for m in sim.seen("U0ANA")] == ["first"]
    await sim.client.post(url, json={"text": "second", "replace_original": True})
    assert [m["text"] for m in sim.seen("U0ANA")] == ["second"]
    await sim.client.post(url, json={"text": "everyone", "response_type": "in_channel"})
    assert [m["text"] for m in sim.seen("U0BOB")] == ["everyone"]
    await sim.client.post(url, json={"delete_original": True})
    assert [m["text"] for m in sim.seen("U0ANA")] == ["second"]
    used = await sim.client.post(url, json={"text": "sixth"})
    assert (used.status_code, used.text) == (200, "ok")
    assert (await sim.client.post(url, json={"text": "too many"})).text == "used_url"
    assert (await sim.client.post("/response/unknown", json={"text": "x"})).status_code == 404


async def test_history_replies_and_permalink_find_a_message_people_can_see(sim: Sim) -> None:
    first = sim.workspace.post(CHANNEL_ID, "U0BOB", "shipped it")
    sim.workspace.post(CHANNEL_ID, BOT_USER_ID, "only ana", None, "U0ANA")
    later = sim.workspace.post(CHANNEL_ID, BOT_USER_ID, "announcement")
    at = {"channel": CHANNEL_ID, "latest": first.ts, "inclusive": "true", "limit": "1"}
    [found] = (await sim.api("conversations.history", **at))["messages"]
    assert (found["user"], found["text"], found["ts"]) == ("U0BOB", "shipped it", first.ts)
    [bots] = (await sim.api("conversations.history", channel=CHANNEL_ID, limit=1))["messages"]
    assert bots["ts"] == later.ts and bots["bot_id"]  # the ephemeral is never listed
    [reply] = (await sim.api("conversations.replies", channel=CHANNEL_ID, ts=first.ts))["messages"]
    assert reply["ts"] == first.ts
    link = await sim.api("chat.getPermalink", channel=CHANNEL_ID, message_ts=first.ts)
    assert link["permalink"].endswith(f"/archives/{CHANNEL_ID}/p{first.ts.replace('.', '')}")
    missing = await sim.api("chat.getPermalink", channel=CHANNEL_ID, message_ts="1.000001")
    assert missing["error"] == "message_not_found"
