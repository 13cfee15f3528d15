"""The link flow as a person goes through it: Slack button → platform → callback page → Slack."""

from __future__ import annotations

import html

import httpx
import pytest
import redis

from testkit.bot_process import BotProcess
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.flows import command, element, link, open_link, text_of
from testkit.support import stored, wait_until


def test_link_happy_path(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    page = open_link(bot)
    assert page.status_code == 200
    assert "linked to Achievers as Ana Lopez" in page.text
    token_requests = [r for r in fake_achievers.requests if r[1].endswith("/token")]
    assert [r[2] for r in token_requests] == ["application/json"]
    told = bot.slack.responses("U_ANA")[-1]
    assert "linked to Achievers as Ana Lopez" in told["text"] and told["replace_original"]
    status = command(bot, "status", name="/kudos")
    assert "linked as Ana Lopez (ana@example.com)" in text_of(status)


def test_no_plaintext_token_in_redis_or_logs(
    bot: BotProcess, fake_achievers: FakeAchievers, redis_url: str
) -> None:
    link(bot)
    tokens = fake_achievers.issued_tokens()
    assert tokens
    with redis.Redis.from_url(redis_url) as client:
        everything = stored(client)  # keys and values, read whole (a DUMP is compressed)
    assert everything
    secrets = [*tokens, fake_achievers.client_secret]
    for blob in [*everything, bot.log_text().encode()]:
        assert not any(secret.encode() in blob for secret in secrets)


def test_access_denied_stores_nothing(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    fake_achievers.deny = True
    page = open_link(bot)
    assert page.status_code == 400
    assert "cancelled" in page.text
    assert "not linked" in text_of(command(bot, "status", name="/kudos"))
    told = [r["text"] for r in bot.slack.responses("U_ANA") if "Linking didn't work" in r["text"]]
    assert len(told) == 1 and "cancelled" in told[0]


def test_email_mismatch_is_refused(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    fake_achievers.logged_in = "1002"  # Bob signs in at the platform from Ana's link
    page = open_link(bot)
    assert page.status_code == 400
    assert "same e-mail address" in page.text
    assert "not linked" in text_of(command(bot, "status", name="/kudos"))


def test_email_match_ignores_case(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    fake_achievers.logged_in = "1003"  # Slack has Carl@Example.com, Achievers carl@example.com
    assert open_link(bot, "U_CARL").status_code == 200


def test_state_is_single_use(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    prompt = command(bot, "link", name="/kudos")
    authorize = httpx.get(element(prompt["blocks"], "link_open")["url"])
    callback = authorize.headers["location"]
    assert httpx.get(callback).status_code == 200
    replay = httpx.get(callback)
    assert replay.status_code == 400
    assert "expired" in replay.text


def test_unknown_state_and_reflected_input(bot: BotProcess) -> None:
    hostile = "<script>alert(1)</script>"
    page = httpx.get(
        f"{bot.base_url}/oauth/achievers/callback",
        params={"state": hostile, "code": hostile, "error": hostile},
    )
    assert page.status_code == 400
    assert "<script>" not in page.text
    assert httpx.get(f"{bot.base_url}/oauth/nowhere/callback").status_code == 404


def test_unlink_deletes_tokens(bot: BotProcess, redis_url: str) -> None:
    link(bot)
    reply = command(bot, "unlink", name="/kudos")
    assert "tokens are deleted" in reply["text"]
    with redis.Redis.from_url(redis_url) as client:
        assert not list(client.scan_iter("kb:link:*"))
    assert "not linked" in text_of(command(bot, "status", name="/kudos"))


def test_expires_in_as_seconds(bot: BotProcess, fake_achievers: FakeAchievers) -> None:
    fake_achievers.expires_as_seconds = True
    link(bot)
    assert "linked as Ana Lopez" in text_of(command(bot, "status", name="/kudos"))


def test_already_linked_says_so(bot: BotProcess) -> None:
    link(bot)
    assert "already linked" in text_of(command(bot, "link", name="/kudos"))


def test_rejected_token_asks_to_link_again(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    link(bot)
    fake_achievers.expire_tokens()
    reply = command(bot, "<@U_BOB> thanks #teamwork")
    assert "no longer accepts your link" in text_of(reply)
    assert element(reply["blocks"], "link_open")["url"].startswith(fake_achievers.base_url)
    wait_until(lambda: "not linked" in text_of(command(bot, "status", name="/kudos")))


TOKEN_PATH = "/oauth/v2/openIDConnectClient/token"


def came_back(bot: BotProcess, page: httpx.Response, says: str) -> str:
    """A failed callback: an HTML page that says `says`, the same told in Slack; nothing linked."""
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    text = html.unescape(page.text)
    assert says in text, text
    told = bot.slack.responses("U_ANA")[-1]["text"]
    assert told.startswith("Linking didn't work") and says in told
    assert "not linked" in text_of(command(bot, "status", name="/kudos"))
    return text


def test_failed_callbacks_say_why(
    bot: BotProcess, fake_achievers: FakeAchievers, fake_slack: FakeSlack
) -> None:
    fake_slack.reset_next(8, path="/api/users.info")  # Slack drops the connection, repeatedly
    came_back(bot, open_link(bot), "Slack didn't answer")
    fake_slack.faults.clear()

    fake_achievers.fail_next(503, path=TOKEN_PATH)  # the platform's token endpoint is down
    text = came_back(bot, open_link(bot), "Achievers isn't available right now")
    assert "did not accept" not in text

    fake_slack.add_user("U_ANA", "ana", None, real_name="Ana Lopez")  # no users:read.email
    text = came_back(bot, open_link(bot), "Slack did not share the e-mail address")
    assert "users:read.email" in text and "same e-mail address" not in text


def test_a_platform_error_is_not_a_cancellation(bot: BotProcess) -> None:
    prompt = command(bot, "link", name="/kudos")
    authorize = httpx.get(element(prompt["blocks"], "link_open")["url"])
    state = httpx.URL(authorize.headers["location"]).params["state"]
    hostile = "server_error<script>alert(1)</script>"
    page = httpx.get(
        f"{bot.base_url}/oauth/achievers/callback", params={"state": state, "error": hostile}
    )
    text = came_back(bot, page, "Achievers refused the sign-in")
    assert "cancelled" not in text and "server_error" not in text and "<script>" not in page.text


@pytest.mark.parametrize("status", [500, 503])
def test_a_token_endpoint_that_is_down_offers_the_link_button_again(
    bot: BotProcess, fake_achievers: FakeAchievers, status: int
) -> None:
    fake_achievers.fail_next(status, path=TOKEN_PATH)
    text = came_back(bot, open_link(bot), "Achievers isn't available right now")
    assert "did not accept" not in text and "Link button in Slack again" in text
    told = [r for r in bot.slack.responses("U_ANA") if "Linking didn't work" in r["text"]][-1]
    assert told["replace_original"] is True
    again = httpx.get(element(told["blocks"], "link_open")["url"], follow_redirects=True)
    assert again.status_code == 200 and "linked to Achievers as Ana Lopez" in again.text
