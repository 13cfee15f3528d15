"""7Geese and KazooHR end to end, one shared flow over per-platform data; several platforms at
once."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
import redis

from bot.accounts.crypto import TokenCipher, parse_keys
from bot.models import Owner
from bot.store.keys import link_key
from testkit.fakes import FakeAchievers, FakeCultureAmp, FakeSevenGeese, FakeSlack
from testkit.fakes.server_data import PlatformFake
from testkit.fakes.sevengeese import s256
from testkit.flows import command, element, next_reply, posted, press, preview, text_of
from testkit.support import wait_until
from tests.e2e.platform_flows import (
    KAZOO_IDS,
    OPEN,
    SEND,
    SEVENGEESE_IDS,
    SEVENGEESE_SCOPE,
    Launch,
    draft_id,
    open_link_on,
    recorded,
)

MESSAGE = "for the smooth release"
FORM = "application/x-www-form-urlencoded"


def sevengeese_token_request(fake: PlatformFake, redirect_uri: str, code: str) -> None:
    """Form body, HTTP Basic client auth, and the verifier of the authorize request's challenge."""
    seen = recorded(fake)
    [authorize], [token] = seen.to("/o/authorize/"), seen.to("/o/token/")
    assert authorize.query["scope"] == SEVENGEESE_SCOPE
    assert authorize.query["code_challenge_method"] == "S256"
    assert token.method == "POST" and token.query == {}
    assert token.headers["content-type"].startswith(FORM)
    basic = base64.b64encode(f"{fake.client_id}:{fake.client_secret}".encode()).decode()
    assert token.headers.get("authorization") == f"Basic {basic}"
    form = token.form()
    verifier = form.pop("code_verifier")
    assert s256(verifier) == authorize.query["code_challenge"]
    assert form == {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}


def kazoo_token_request(fake: PlatformFake, redirect_uri: str, code: str) -> None:
    """Every parameter, client credentials included, in the query string; no body, no Basic."""
    [token] = recorded(fake).to("/oauth/token")
    assert token.method == "POST" and token.body == b""
    assert "authorization" not in token.headers
    assert token.query == {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "scope": "API",
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
    }


@dataclass(frozen=True)
class Case:
    """What differs between platforms in the shared link-and-recognize flow."""

    name: str
    display: str
    ids: dict[str, str]
    teamwork: str  # the platform's id of the value/badge "Teamwork"
    one_per_recipient: bool
    check_token_request: Callable[[PlatformFake, str, str], None]
    recognition_url: str | None = None  # "{base}…{id}" when the platform links to what was sent


SEVENGEESE = Case("sevengeese", "7Geese", SEVENGEESE_IDS, "301", True, sevengeese_token_request)
KAZOO = Case(
    "kazoo", "YouEarnedIt", KAZOO_IDS, "12", False, kazoo_token_request, "{base}/recognitions/{id}"
)


def fake_of(request: pytest.FixtureRequest, name: str) -> PlatformFake:
    fake = request.getfixturevalue(f"fake_{name}")
    assert isinstance(fake, PlatformFake)
    return fake


@pytest.mark.parametrize("case", [SEVENGEESE, KAZOO], ids=lambda case: case.name)
def test_link_and_recognize(
    case: Case, launch: Launch, request: pytest.FixtureRequest, fake_slack: FakeSlack
) -> None:
    bot, fake = launch(case.name), fake_of(request, case.name)
    page = open_link_on(bot)  # the only platform is the default
    assert page.status_code == 200, page.text
    assert f"linked to {case.display} as Ana Lopez (ana@example.com)" in page.text
    told = bot.slack.responses("U_ANA")[-1]
    assert f"linked to {case.display} as Ana Lopez" in told["text"] and told["replace_original"]
    redirect_uri = f"{bot.base_url}/oauth/{case.name}/callback"
    case.check_token_request(fake, redirect_uri, page.url.params["code"])
    status = text_of(command(bot, "status", name="/kudos"))
    assert f"*{case.display}*: linked as Ana Lopez (ana@example.com)" in status
    assert "Achievers" not in status

    refused = text_of(command(bot, f"<@U_BOB> <@U_DAN> {MESSAGE} #teamwork"))
    assert f"I can't find Dan Moss on {case.display}" in refused
    reply = preview(bot, f"<@U_BOB|bob> <@U_CARL> {MESSAGE} #TeamWork")
    assert f"on {case.display}" in text_of(reply) and "Teamwork" in text_of(reply)
    assert fake.recognitions == []
    confirmation = press(bot, SEND, draft_id(reply))
    assert confirmation["replace_original"] is True
    assert "Recognition sent to <@U_BOB>, <@U_CARL>" in text_of(confirmation)
    recipients = [case.ids["U_BOB"], case.ids["U_CARL"]]
    groups = [[r] for r in recipients] if case.one_per_recipient else [recipients]
    sent = fake.recognitions
    assert [(r["sender"], r["recipients"], r["message"], r["value"]) for r in sent] == [
        (case.ids["U_ANA"], group, MESSAGE, case.teamwork) for group in groups
    ]
    if case.recognition_url:
        url = case.recognition_url.format(base=fake.base_url, id=sent[0]["id"])
        assert f"<{url}|View it on {case.display}>" in text_of(confirmation)
    by_channel = {post["channel"]: text_of(post) for post in posted(fake_slack, 3)}
    assert sorted(by_channel) == ["C1", "U_BOB", "U_CARL"]  # the channel and each recipient
    assert "<@U_ANA> recognized <@U_BOB>, <@U_CARL> for *Teamwork*" in by_channel["C1"]
    assert all("<@U_ANA> recognized you" in by_channel[dm] for dm in ("U_BOB", "U_CARL"))


def test_several_platforms_at_once(
    launch: Launch,
    fake_achievers: FakeAchievers,
    fake_sevengeese: FakeSevenGeese,
    fake_cultureamp: FakeCultureAmp,
) -> None:
    bot = launch("achievers", "sevengeese", "cultureamp", default="sevengeese")
    lines = command(bot, "status", name="/kudos")["text"].splitlines()
    state = {line.split("*")[1]: line.split("*: ")[1] for line in lines}  # "*Name*: state"
    assert len(lines) == 3 and set(state) == {"Achievers", "7Geese", "Culture Amp"}
    assert state["Achievers"].startswith("not linked") and state["7Geese"].startswith("not linked")
    assert state["Culture Amp"].startswith("connected for everyone")

    page = open_link_on(bot, "achievers")  # the non-default platform, by name
    assert page.status_code == 200 and "linked to Achievers as Ana Lopez" in page.text
    status = text_of(command(bot, "status", name="/kudos"))
    assert "*Achievers*: linked as Ana Lopez (ana@example.com)" in status
    assert "*7Geese*: not linked" in status

    prompt = command(bot, "<@U_BOB> thanks for the review #teamwork")  # goes to the default
    url = element(prompt["blocks"], OPEN)["url"]
    assert url.startswith(f"{fake_sevengeese.base_url}/o/authorize/")
    seen = len(bot.slack.responses("U_ANA"))
    assert httpx.get(url, follow_redirects=True).status_code == 200
    replies = wait_until(lambda: bot.slack.responses("U_ANA")[seen + 1 :] or None)
    linked, reply = bot.slack.responses("U_ANA")[seen], replies[0]  # "linked", then the preview
    assert "linked to 7Geese" in text_of(linked)
    assert "Preview" in text_of(reply) and "on 7Geese" in text_of(reply)
    press(bot, SEND, draft_id(reply))
    assert [(r["recipients"], r["value"]) for r in fake_sevengeese.recognitions] == [(["2"], "301")]
    assert fake_achievers.recognitions == []
    status = text_of(command(bot, "status", name="/kudos"))
    assert "*7Geese*: linked as Ana Lopez (ana@example.com)" in status
    assert "*Achievers*: linked as Ana Lopez" in status and "*Culture Amp*: connected" in status


def expire_stored_link(redis_url: str, keys: str, owner: Owner) -> None:
    """Make the bot's stored token look expired (it is sealed: opened and sealed again)."""
    cipher = TokenCipher(parse_keys(keys))
    with redis.Redis.from_url(redis_url) as client:
        link = cipher.open(owner, client.get(link_key(owner)) or b"")
        link["token"]["expires_at"] = time.time() - 1
        client.set(link_key(owner), cipher.seal(owner, link))


def test_twenty_parallel_lookups_with_an_expired_token_refresh_once(
    launch: Launch,
    fake_sevengeese: FakeSevenGeese,
    fake_slack: FakeSlack,
    bot_env: dict[str, str],
    redis_url: str,
) -> None:
    """One refresh for all of them; the rotated refresh token is never presented again (7Geese
    would revoke the whole family)."""
    bot = launch("sevengeese")
    published = len(fake_slack.calls("views.publish"))
    assert open_link_on(bot).status_code == 200
    wait_until(lambda: len(fake_slack.calls("views.publish")) > published)  # Home is done
    expire_stored_link(
        redis_url, bot_env["TOKEN_ENCRYPTION_KEYS"], Owner("T1", "U_ANA", "sevengeese")
    )
    fake_sevengeese.expire_tokens()  # the platform agrees
    start = threading.Barrier(20)

    def whois(n: int) -> str:
        """One signed `/kudos whois`; its answer is in the ack or posted to its response_url."""
        start.wait()
        key = f"whois-{n}"
        response = bot.post_command("/kudos", "whois <@U_BOB>", "U_ANA", response_key=key)
        assert response.status_code == 200, response.text
        return text_of(response.json() if response.content else next_reply(fake_slack, key, 0))

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(whois, range(20)))
    assert all("Bob Stone" in answer for answer in answers), answers
    assert fake_sevengeese.grant_counts() == {"authorization_code": 1, "refresh_token": 1}
    assert not fake_sevengeese.refresh_reuse_detected
    assert fake_sevengeese.revoked_families() == 0
