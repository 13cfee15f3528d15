"""Canaries: every secret the bot holds is planted as a distinctive string (7Geese's access and
refresh tokens, its client secret, the Slack bot token, the signing secret, the encryption key);
after a whole life of a link (link, recognize, refresh on expiry, a 401, a revoked refresh,
unlink, relink) and its error pages, none of them is found in the bot's log, in anything Slack
received, in any answer or page the bot served, or anywhere in Redis."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis

from testkit.bot_process import BotProcess
from testkit.fakes import FakeSevenGeese, FakeSlack
from testkit.flows import answer_after, element, next_reply, text_of
from testkit.support import stored, wait_until
from tests.e2e.platform_flows import (
    OPEN,
    PEOPLE,
    SEND,
    SEVENGEESE_IDS,
    Launch,
    Recorder,
    Seen,
    draft_id,
)

MARK = "CANARY"  # every planted secret but the Fernet key starts with it or has it near the start
RUN = secrets.token_hex(6)  # ... and ends with this: a leak of either end of one shows too
PLANTED = [f"{MARK}{kind}{n}x{RUN}" for n in range(1, 9) for kind in ("AT", "RT")]
CLIENT_SECRET = f"{MARK}-client-secret-{RUN}"
SLACK_TOKEN = f"xoxb-{MARK}-bot-{RUN}"
SIGNING_SECRET = f"{MARK}-signing-{RUN}"
RECOGNIZE = "<@U_BOB> for the smooth release #teamwork"


class Everything(Recorder):
    """A Recorder that hands over every request it kept, whatever the path."""

    def all(self) -> list[Seen]:
        with self._lock:
            return list(self._seen)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """Slack that accepts only the canary bot token and keeps every request whole."""
    fake = FakeSlack(SLACK_TOKEN)
    fake.add_user("U_ANA", "ana", "ana@example.com", real_name="Ana Lopez")
    fake.add_user("U_BOB", "bob", "bob@example.com", real_name="Bob Stone")
    fake.app = Everything(fake.app)
    with fake.serving():
        yield fake


@pytest.fixture
def fake_sevengeese() -> Iterator[FakeSevenGeese]:
    """7Geese with a canary client secret, issuing canary tokens; Ana is signed in."""
    fake = FakeSevenGeese("geese-client", CLIENT_SECRET)
    for slack_id, person_id in SEVENGEESE_IDS.items():
        fake.add_person(person_id, *PEOPLE[slack_id])
    fake.logged_in = SEVENGEESE_IDS["U_ANA"]
    fake.next_tokens = PLANTED
    fake.app = Recorder(fake.app)
    with fake.serving():
        yield fake


@pytest.fixture(params=["text", "json"])
def bot_env(bot_env: dict[str, str], request: pytest.FixtureRequest) -> dict[str, str]:
    """Both log formats: redaction covers every field of a JSON line too."""
    slack = {"SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    return bot_env | slack | {"LOG_FORMAT": request.param}


class Witness:
    """Drives the bot as Ana and keeps every answer the bot gave: acks, pages, redirects."""

    def __init__(self, bot: BotProcess) -> None:
        self.bot = bot
        self.served: list[httpx.Response] = []

    def command(self, text: str, name: str = "/recognize") -> Any:
        """A slash command's first reply: the ack's body, or the first response_url post."""
        seen = len(self.bot.slack.responses("U_ANA"))
        response = self.bot.post_command(name, text, "U_ANA")
        self.served.append(response)
        assert response.status_code == 200, response.text
        if response.content:  # answered in the ack: JSON, or a bare text as Bolt sends it
            is_json = response.headers["content-type"].startswith("application/json")
            return response.json() if is_json else {"text": response.text}
        return next_reply(self.bot.slack, "U_ANA", seen)

    def lookup(self, text: str) -> str:
        """A `/kudos` lookup: the ack's answer, or the message after its working note."""
        seen = len(self.bot.slack.responses("U_ANA"))
        response = self.bot.post_command("/kudos", text, "U_ANA")
        self.served.append(response)
        return text_of(answer_after(self.bot, response, "U_ANA", seen))

    def press(self, action_id: str, value: str) -> Any:
        seen = len(self.bot.slack.responses("U_ANA"))
        response = self.bot.post_action(action_id, value, "U_ANA")
        self.served.append(response)
        return next_reply(self.bot.slack, "U_ANA", seen)

    def browse(self, url: str) -> httpx.Response:
        """Follow a URL as the browser does; every hop is kept."""
        page = httpx.get(url, follow_redirects=True)
        self.served += [*page.history, page]
        return page

    def link(self) -> httpx.Response:
        """`/kudos link sevengeese`, then through 7Geese and back to the callback page."""
        prompt = self.command("link sevengeese", "/kudos")
        return self.browse(element(prompt["blocks"], OPEN)["url"])


def replay_refresh_token(fake: FakeSevenGeese, token: str) -> None:
    """Present an already rotated refresh token, as a thief would: 7Geese revokes the family."""
    basic = base64.b64encode(f"{fake.client_id}:{fake.client_secret}".encode()).decode()
    answer = httpx.post(
        f"{fake.base_url}/o/token/",
        data={"grant_type": "refresh_token", "refresh_token": token},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert answer.status_code == 400 and fake.refresh_reuse_detected


def recognize(witness: Witness, fake: FakeSevenGeese) -> None:
    sent = len(fake.recognitions)
    witness.press(SEND, draft_id(witness.command(RECOGNIZE)))
    wait_until(lambda: len(fake.recognitions) > sent)


def live_the_life_of_a_link(witness: Witness, fake: FakeSevenGeese) -> None:
    """Link, recognize, refresh (expiry; a 401), lose the link to a revoked refresh, link again,
    unlink, link again; with a replayed callback and a declined sign-in on the way."""
    page = witness.link()
    assert page.status_code == 200 and "linked" in page.text
    assert witness.browse(str(page.url)).status_code == 400  # the callback, replayed
    recognize(witness, fake)

    fake.expire_tokens()  # the platform now answers 401 to the access token
    assert "Ana Lopez" in witness.lookup("recent")
    fake.fail_next(401)  # a 401 out of the blue: one refresh, one replay
    assert "Ana Lopez" in witness.lookup("recent")
    assert fake.grant_counts() == {"authorization_code": 1, "refresh_token": 2}

    replay_refresh_token(fake, PLANTED[1])  # the first refresh token, long rotated
    revoked = witness.lookup("recent")
    assert "Link" in revoked and "Ana Lopez" not in revoked
    assert "not linked" in text_of(witness.command("status", "/kudos"))

    assert witness.link().status_code == 200
    recognize(witness, fake)
    assert "Unlinked" in text_of(witness.command("unlink sevengeese", "/kudos"))
    fake.deny = True
    assert witness.link().status_code == 400  # declined at 7Geese
    fake.deny = False
    assert witness.link().status_code == 200
    assert "linked as Ana Lopez" in text_of(witness.command("status", "/kudos"))
    witness.browse(f"{witness.bot.base_url}/oauth/nowhere/callback?code=x&state=y")


def slack_received(slack: FakeSlack) -> list[bytes]:
    """Every request that reached Slack: API calls and response_url posts (the bot token in
    the Authorization header is where it belongs)."""
    assert isinstance(slack.app, Everything)
    return [
        b"\n".join([s.path.encode(), repr(s.query).encode(), s.body, repr(headers).encode()])
        for s in slack.app.all()
        for headers in [{k: v for k, v in s.headers.items() if k != "authorization"}]
    ]


def served(responses: list[httpx.Response]) -> list[bytes]:
    """What the bot answered: status line, headers (redirect targets, cookies) and body."""
    return [
        b"\n".join([str(r.url).encode(), repr(dict(r.headers)).encode(), r.content])
        for r in responses
    ]


def test_no_secret_leaves_the_bot(
    launch: Launch,
    fake_sevengeese: FakeSevenGeese,
    fake_slack: FakeSlack,
    bot_env: dict[str, str],
    redis_url: str,
) -> None:
    bot = launch("sevengeese")
    witness = Witness(bot)
    live_the_life_of_a_link(witness, fake_sevengeese)

    issued = fake_sevengeese.issued_tokens()
    assert issued == PLANTED[: len(issued)] and len(issued) == 10  # 3 links, 2 refreshes
    canaries = [*issued, CLIENT_SECRET, SLACK_TOKEN, SIGNING_SECRET]
    canaries += [MARK, RUN, bot_env["TOKEN_ENCRYPTION_KEYS"]]
    with redis.Redis.from_url(redis_url) as client:
        places = {
            "the bot's log": [bot.log_text().encode()],
            "Slack": slack_received(fake_slack),
            "the bot's answers and pages": served(witness.served),
            "Redis": stored(client),
        }
    assert len(places["Slack"]) > 10 and len(places["Redis"]) > 2 and len(witness.served) > 15
    if bot_env["LOG_FORMAT"] == "json":  # every line is an object; requests carry their fields
        lines = [json.loads(line) for line in bot.log_text().splitlines()]
        assert [line for line in lines if line.get("request_id") and line.get("user")]
    for place, blobs in places.items():
        for canary in canaries:
            leaked = [blob for blob in blobs if canary.encode() in blob]
            assert not leaked, f"{canary} in {place}: {leaked[0][:2000]!r}"


def test_the_redis_scan_finds_a_planted_plaintext_token(redis_url: str) -> None:
    """`stored` finds a token in every kind of record, even where DUMP's compression hides it
    (a record holding two canaries: the second one's shared start and end are back-references)."""
    token = f"{MARK}AT1x{RUN}"
    record = json.dumps({"refresh_token": f"{MARK}RT1x{RUN}", "access_token": token})
    with redis.Redis.from_url(redis_url) as client:
        client.set("kb:link:T1:U1:sevengeese", record)
        assert token.encode() not in (client.dump("kb:link:T1:U1:sevengeese") or b"")
        client.hset("kb:h", "f", token)
        client.rpush("kb:l", token)
        client.sadd("kb:s", token)
        client.zadd("kb:z", {token: 1})
        client.xadd("kb:x", {"intent": token})
        found = stored(client)
    holding = [blob for blob in found if token.encode() in blob]
    assert len(holding) == 6 and record.encode() in holding
