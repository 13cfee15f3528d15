"""The fakes and helpers behave as the reference docs (and Slack's own SDK) expect."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import redis
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from testkit.bot_process import start_bot, stop_process
from testkit.fakes import FakeAchievers, FakeSlack
from testkit.support import (
    block_action,
    free_port,
    sign,
    slash_command,
    wait_until,
)

TOKEN_PATH = "/oauth/v2/openIDConnectClient/token"
CLIENT = {"client_id": "ach-client", "client_secret": "ach-secret"}


def _authorize(fake: FakeAchievers, state: str = "s1") -> dict[str, list[str]]:
    """Run the authorize step and return the callback's query parameters."""
    fake.redirect_uri = "http://127.0.0.1:9/oauth/achievers/callback"
    query = {"response_type": "code", "client_id": "ach-client", "scope": "read write"}
    r = httpx.get(
        f"{fake.base_url}/oauth/v2/openIDConnectClient/authorize", params=query | {"state": state}
    )
    assert r.status_code == 302
    assert r.headers["location"].startswith(fake.redirect_uri + "?")
    return parse_qs(urlsplit(r.headers["location"]).query)


def _user_token(fake: FakeAchievers) -> str:
    """A user access token for the logged-in member."""
    code = _authorize(fake)["code"][0]
    body = {"grant_type": "authorization_code", "code": code} | CLIENT
    token: str = httpx.post(f"{fake.base_url}{TOKEN_PATH}", json=body).json()["access_token"]
    return token


def test_token_endpoint_rejects_form_body(fake_achievers: FakeAchievers) -> None:
    body = {"grant_type": "client_credentials", "scope": "read"} | CLIENT
    r = httpx.post(f"{fake_achievers.base_url}{TOKEN_PATH}", data=body)
    assert (r.status_code, r.json()["error"]) == (400, "invalid_request")
    assert ("POST", TOKEN_PATH, "application/x-www-form-urlencoded") in fake_achievers.requests
    bad = httpx.post(f"{fake_achievers.base_url}{TOKEN_PATH}", json=body | {"client_secret": "x"})
    assert (bad.status_code, bad.json()["error"]) == (401, "invalid_client")


def test_code_is_single_use_and_expiry_is_a_timestamp(fake_achievers: FakeAchievers) -> None:
    params = _authorize(fake_achievers, state="xyz")
    assert params["state"] == ["xyz"]
    body = {"grant_type": "authorization_code", "code": params["code"][0]} | CLIENT
    first = httpx.post(f"{fake_achievers.base_url}{TOKEN_PATH}", json=body)
    assert first.status_code == 200
    answer = first.json()
    assert answer["token_type"] == "Bearer" and answer["scope"] == "read write"
    assert answer["expires_in"] > time.time() + 13 * 86400
    assert answer["access_token"] in fake_achievers.issued_tokens()
    again = httpx.post(f"{fake_achievers.base_url}{TOKEN_PATH}", json=body)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")


def test_denied_authorization_redirects_with_error(fake_achievers: FakeAchievers) -> None:
    fake_achievers.deny = True
    assert _authorize(fake_achievers) == {"error": ["access_denied"], "state": ["s1"]}


def test_users_paging_shape(fake_achievers: FakeAchievers) -> None:
    headers = {"Authorization": f"Bearer {_user_token(fake_achievers)}"}
    url = f"{fake_achievers.base_url}/api/v5/users"
    one = httpx.get(url, params={"q": "BOB@example.com"}, headers=headers).json()
    assert [u["id"] for u in one["items"]] == ["1002"]
    assert "previous" not in one["paging"] and "next" not in one["paging"]
    assert one["paging"]["totalPages"] == 1 and one["items"][0]["emailAddress"] == "bob@example.com"
    page2 = httpx.get(url, params={"page": 2, "pageSize": 1}, headers=headers).json()
    assert page2["paging"]["totalItems"] == 3 and page2["items"][0]["id"] == "1002"
    assert "page=1" in page2["paging"]["previous"] and "page=3" in page2["paging"]["next"]
    me = httpx.get(f"{fake_achievers.base_url}/api/v5/current-member", headers=headers).json()
    assert me["id"] == "1001" and me["links"]["self"]["href"].endswith("/api/v5/users/1001")


def test_recognition_send_and_list(fake_achievers: FakeAchievers) -> None:
    headers = {"Authorization": f"Bearer {_user_token(fake_achievers)}"}
    url = f"{fake_achievers.base_url}/api/v5/recognitions"
    modules = httpx.request("OPTIONS", url, headers=headers).json()["items"]
    criterion = next(c for c in modules[0]["criteria"] if c["name"] == "Teamwork")
    form: dict[str, Any] = {"nominees": ["1002", "1003"], "recognitionText": "Thanks!"}
    form |= {"criterionId": str(criterion["id"]), "useUserIds": "true"}
    sent = httpx.post(url, data=form, headers=headers)
    assert sent.status_code == 200 and sent.json()["newsfeedEventURL"].startswith("http")
    assert httpx.post(url, json=form, headers=headers).status_code == 400
    assert httpx.post(url, data=form | {"nominees": ["9999"]}, headers=headers).status_code == 400
    [stored] = fake_achievers.recognitions
    assert (stored["nominator"], stored["nominees"]) == ("1001", ["1002", "1003"])
    listed = httpx.get(url, params={"userId": "1003"}, headers=headers).json()
    assert [r["id"] for r in listed["items"]] == [stored["id"]]


def test_api_auth_and_injected_failures(fake_achievers: FakeAchievers) -> None:
    url = f"{fake_achievers.base_url}/api/v5/users"
    assert httpx.get(url, headers={"Authorization": "Bearer nope"}).status_code == 401
    body = {"grant_type": "client_credentials", "scope": "read"} | CLIENT
    token = httpx.post(f"{fake_achievers.base_url}{TOKEN_PATH}", json=body).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    fake_achievers.fail_next(503, times=2)
    assert [httpx.get(url, headers=headers).status_code for _ in range(3)] == [503, 503, 200]
    me = httpx.get(f"{fake_achievers.base_url}/api/v5/current-member", headers=headers)
    assert me.status_code == 403
    fake_achievers.expire_tokens()
    assert httpx.get(url, headers=headers).status_code == 401


async def _slack_error(call: Awaitable[AsyncSlackResponse]) -> str:
    """The `error` of a Slack call that must fail."""
    with pytest.raises(SlackApiError) as caught:
        await call
    assert caught.value.response["ok"] is False
    return str(caught.value.response["error"])


async def test_slack_fake_speaks_slack_sdk(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test-token", base_url=f"{fake_slack.base_url}/api/")
    user = (await client.users_info(user="U_CARL"))["user"]
    assert user["profile"]["email"] == "Carl@Example.com" and user["real_name"] == "Carl Diaz"
    assert user["is_bot"] is False and user["deleted"] is False and user["team_id"] == "T1"
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    first = await client.chat_postMessage(channel="C1", text="hi", blocks=blocks)
    second = await client.chat_postMessage(channel="C1", text="again")
    assert float(str(second["ts"])) > float(str(first["ts"]))
    assert fake_slack.calls("chat.postMessage")[0]["blocks"] == blocks
    fake_slack.not_in_channel.add("C2")
    form_post = client.api_call("chat.postMessage", data={"channel": "C2", "text": "x"})
    assert await _slack_error(form_post) == "not_in_channel"
    assert await _slack_error(client.users_info(user="U_NOPE")) == "user_not_found"
    wrong = AsyncWebClient(token="xoxb-wrong", base_url=client.base_url)
    assert await _slack_error(wrong.auth_test()) == "invalid_auth"


async def test_slack_fake_reads_messages_and_completes_steps_as_slack_does(
    fake_slack: FakeSlack,
) -> None:
    client = AsyncWebClient(token="xoxb-test-token", base_url=f"{fake_slack.base_url}/api/")
    fake_slack.history.add("C1", "1700000001.000100", "parent", user="U_ANA")
    fake_slack.history.add(
        "C1", "1700000002.000100", "reply", user="U_BOB", thread_ts="1700000001.000100"
    )
    fake_slack.history.add("C1", "1700000003.000100", "later", bot_id="B1")
    latest = await client.conversations_history(channel="C1", limit=1)
    assert [m["text"] for m in latest["messages"]] == ["later"] and latest["has_more"]
    assert latest["messages"][0]["subtype"] == "bot_message"
    at = await client.conversations_history(
        channel="C1", latest="1700000001.000100", inclusive=True, limit=1
    )
    assert [m["user"] for m in at["messages"]] == ["U_ANA"]  # replies are not in the history
    thread = await client.conversations_replies(
        channel="C1", ts="1700000002.000100", oldest="1700000002.000100", inclusive=True, limit=2
    )
    assert [m["text"] for m in thread["messages"]] == ["parent", "reply"]
    link = await client.chat_getPermalink(channel="C1", message_ts="1700000002.000100")
    assert link["permalink"] == "https://fake-team.slack.com/archives/C1/p1700000002000100"
    assert await _slack_error(client.conversations_history(channel="C9")) == "channel_not_found"
    assert await _slack_error(client.conversations_replies(channel="C1", ts="1.2")) == (
        "thread_not_found"
    )
    fake_slack.step_tokens.add("xwfp-step")
    step = AsyncWebClient(token="xwfp-step", base_url=client.base_url)
    await step.functions_completeSuccess(function_execution_id="Fx1", outputs={"a": "b"})
    await step.functions_completeError(function_execution_id="Fx2", error="nope")
    assert fake_slack.calls("functions.completeSuccess")[0]["outputs"] == {"a": "b"}
    assert fake_slack.tokens("functions.completeError") == ["xwfp-step"]


async def test_response_url_records_webhook_posts(fake_slack: FakeSlack) -> None:
    webhook = AsyncWebhookClient(fake_slack.response_url("k1"))
    answer = await webhook.send(text="done", replace_original=True)
    assert (answer.status_code, answer.body) == (200, "ok")
    assert wait_until(lambda: fake_slack.responses("k1")) == [
        {"text": "done", "replace_original": True}
    ]


def test_signed_bodies_verify_with_slack_sdk() -> None:
    body = slash_command("/kudos", "status", user_id="U_ANA", response_url="http://x/r")
    headers = sign("secret", body)
    assert SignatureVerifier("secret").is_valid_request(body, headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)
    action = block_action("pick", "", user_id="U_ANA", response_url="u", selected_option_value="v")
    payload = json.loads(parse_qs(action.decode())["payload"][0])
    assert payload["actions"][0]["selected_option"] == {"value": "v"}


def test_redis_url_is_a_fresh_database(redis_url: str) -> None:
    with redis.Redis.from_url(redis_url) as client:
        assert client.dbsize() == 0
        client.set("k", "v")


STUB_BOT = """
import os
from urllib.parse import parse_qs

import uvicorn
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

verifier = SignatureVerifier(os.environ["SLACK_SIGNING_SECRET"])


async def healthz(request):
    return PlainTextResponse("ok")


async def events(request):
    body = await request.body()
    if not verifier.is_valid_request(body, dict(request.headers)):
        return PlainTextResponse("bad signature", status_code=401)
    return PlainTextResponse(parse_qs(body.decode())["command"][0])


print("stub bot starting", flush=True)
routes = [Route("/healthz", healthz), Route("/slack/events", events, methods=["POST"])]
uvicorn.run(Starlette(routes=routes), host=os.environ["HOST"], port=int(os.environ["PORT"]))
"""


def _stub_env(workdir: Path, main: str) -> dict[str, str]:
    """Write a stand-in `bot` package into `workdir` and return an environment to run it."""
    (workdir / "bot").mkdir(parents=True)
    (workdir / "bot" / "__init__.py").write_text("")
    (workdir / "bot" / "__main__.py").write_text(main)
    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), "SLACK_SIGNING_SECRET": "stub-secret"}
    return env | {"HOST": "127.0.0.1", "PORT": str(port), "PUBLIC_URL": f"http://127.0.0.1:{port}"}


def test_start_bot_drives_and_stops_a_stub(tmp_path: Path, fake_slack: FakeSlack) -> None:
    bot = start_bot(_stub_env(tmp_path, STUB_BOT), tmp_path, fake_slack)
    try:
        r = bot.post_command("/kudos", "help", "U_ANA")
        assert (r.status_code, r.text) == (200, "/kudos")
        assert "stub bot starting" in bot.log_text()
    finally:
        stop_process(bot.process)
    assert bot.process.returncode is not None


def test_start_bot_reports_an_early_exit(tmp_path: Path, fake_slack: FakeSlack) -> None:
    env = _stub_env(tmp_path, "raise SystemExit('boom: no settings')")
    with pytest.raises(pytest.fail.Exception, match="boom: no settings"):
        start_bot(env, tmp_path, fake_slack)
