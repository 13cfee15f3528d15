"""Redis going away and coming back, with the bot running throughout (never restarted).

Each test owns a redis-server on a fixed port (tests/redis_process.py), stops or freezes it
mid-test and brings it back on the same port. While Redis is away every Slack request is still
acknowledged inside Slack's 3 s with a friendly sentence, /readyz says 503, the OAuth callback
fails closed; once it is back, everything works again without a restart."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fakeredis import FakeAsyncRedis
from redis.asyncio import Redis

from bot.accounts.crypto import TokenCipher
from bot.errors import StoreUnavailable
from bot.models import PendingLink
from bot.services import REDIS_POOL_WAIT, REDIS_TIMEOUT
from bot.store import TAKE_WINDOW_US, Store
from testkit.bot_process import BotProcess, start_bot, stop_process
from testkit.fakes.achievers import FakeAchievers
from testkit.fakes.slack import FakeSlack
from testkit.flows import command, element, link, next_reply, press, preview, text_of
from testkit.redis_process import RedisProcess
from testkit.support import wait_until
from tests.unit.store.records import DRAFT

ACK_BUDGET = 3.0  # Slack's contract for every request, not a benchmark
UNAVAILABLE = "temporarily unavailable"
SEND, CANCEL = "recognition_send", "recognition_cancel"
TOKEN_PATH = "/oauth/v2/openIDConnectClient/token"


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    """A durable redis-server (AOF, fsync on every write) this test may stop and restart."""
    with RedisProcess(tmp_path / "redis", durable=True) as server:
        yield server


@pytest.fixture
def faulty_bot(
    own_redis: RedisProcess, bot_env: dict[str, str], fake_slack: FakeSlack, tmp_path: Path
) -> Iterator[BotProcess]:
    """The bot, with the fakes, on `own_redis` instead of the session's Redis."""
    bot = start_bot(bot_env | {"REDIS_URL": own_redis.url}, tmp_path / "bot-run", fake_slack)
    try:
        yield bot
    finally:
        stop_process(bot.process)


@pytest.fixture
def browser() -> Iterator[httpx.Client]:
    """A browser that stops at every redirect, so a test can hold a callback URL for later."""
    with httpx.Client(follow_redirects=False) as client:
        yield client


def acked(send: Callable[[], httpx.Response]) -> httpx.Response:
    """Send one Slack request; it must be answered 200 within Slack's 3 s."""
    started = time.monotonic()
    response = send()
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    assert elapsed < ACK_BUDGET, f"acknowledged after {elapsed:.2f} s"
    return response


def answer_of(bot: BotProcess, response: httpx.Response, key: str, seen: int) -> Any:
    """What the user sees: the ack's own body, or else the next post to their response_url."""
    if response.content:
        is_json = response.headers.get("content-type", "").startswith("application/json")
        return response.json() if is_json else {"text": response.text}
    return next_reply(bot.slack, key, seen)


def command_while_down(bot: BotProcess, name: str, text: str, user: str = "U_ANA") -> str:
    seen = len(bot.slack.responses(user))
    response = acked(lambda: bot.post_command(name, text, user))
    return text_of(answer_of(bot, response, user, seen))


def press_while_down(bot: BotProcess, action_id: str, value: str, **extra: Any) -> str:
    seen = len(bot.slack.responses("U_ANA"))
    response = acked(lambda: bot.post_action(action_id, value, "U_ANA", **extra))
    return text_of(answer_of(bot, response, "U_ANA", seen))


def ready(bot: BotProcess) -> int:
    return httpx.get(f"{bot.base_url}/readyz", timeout=5).status_code


def draft_id(reply: dict[str, Any]) -> str:
    return str(element(reply["blocks"], CANCEL)["value"])


def callback_url(bot: BotProcess, browser: httpx.Client, user: str) -> str:
    """`/kudos link` as `user`, then the browser through the platform's sign-in, stopping at
    the redirect back to the bot: the callback URL with a live state and an unused code."""
    prompt = command(bot, "link", user, name="/kudos")
    url = str(element(prompt["blocks"], "link_open")["url"])
    while not url.startswith(f"{bot.base_url}/oauth/"):
        response = browser.get(url)
        assert response.is_redirect, response.text
        url = str(response.next_request.url if response.next_request else "")
    return url


def token_requests(fake: FakeAchievers) -> int:
    return sum(1 for _, path, _ in fake.requests if path == TOKEN_PATH)


def send_one(bot: BotProcess, fake: FakeAchievers, text: str) -> None:
    """/recognize → preview → Send: exactly one more recognition at the platform."""
    before = len(fake.recognitions)
    press(bot, SEND, draft_id(preview(bot, text)))
    wait_until(lambda: len(fake.recognitions) > before)
    assert len(fake.recognitions) == before + 1


def test_waiting_for_redis_fits_well_inside_the_ack_budget() -> None:
    """A saturated pool's wait plus one command's timeout leave a second of Slack's 3 s."""
    assert REDIS_POOL_WAIT + REDIS_TIMEOUT <= ACK_BUDGET - 1.0


def test_redis_stopped_and_restarted_without_restarting_the_bot(
    faulty_bot: BotProcess,
    own_redis: RedisProcess,
    fake_achievers: FakeAchievers,
    browser: httpx.Client,
) -> None:
    """SIGTERM, then a new redis-server on the same port and AOF directory."""
    bot = faulty_bot
    link(bot)
    waiting = draft_id(preview(bot, "<@U_BOB> for the release notes #teamwork"))
    fake_achievers.logged_in = "1003"  # Carl starts linking; his browser stops before the bot
    carl_callback = callback_url(bot, browser, "U_CARL")

    own_redis.stop()
    assert wait_until(lambda: ready(bot) == 503)
    assert httpx.get(f"{bot.base_url}/healthz").status_code == 200
    assert UNAVAILABLE in command_while_down(bot, "/kudos", "status")
    assert UNAVAILABLE in command_while_down(bot, "/recognize", "<@U_BOB> thanks #teamwork")
    assert UNAVAILABLE in command_while_down(bot, "/kudos", "link", user="U_DAN")
    assert UNAVAILABLE in press_while_down(bot, SEND, waiting)
    tokens_before = token_requests(fake_achievers)
    page = browser.get(carl_callback)  # fails closed: no code is exchanged, nothing stored
    assert page.status_code == 400 and UNAVAILABLE in page.text
    assert token_requests(fake_achievers) == tokens_before
    assert fake_achievers.recognitions == []
    assert ready(bot) == 503 and bot.process.poll() is None

    own_redis.start()  # same port, same AOF: the bot was never restarted
    assert wait_until(lambda: ready(bot) == 200)
    assert "linked as Ana Lopez" in text_of(command(bot, "status", name="/kudos"))
    carl = text_of(command(bot, "status", "U_CARL", name="/kudos"))
    assert "not linked" in carl  # the callback during the outage stored nothing
    assert fake_achievers.recognitions == []  # the Send pressed during the outage sent nothing
    send_one(bot, fake_achievers, "<@U_BOB> <@U_CARL> for the smooth release #teamwork")
    assert "nothing was sent" in text_of(press(bot, CANCEL, waiting))  # its draft survived
    page = browser.get(carl_callback)  # and so did Carl's state: the same sign-in now works
    assert page.status_code == 200, page.text
    assert "linked as Carl Diaz" in text_of(command(bot, "status", "U_CARL", name="/kudos"))
    assert len(fake_achievers.recognitions) == 1


def test_redis_that_accepts_but_never_answers(
    faulty_bot: BotProcess,
    own_redis: RedisProcess,
    fake_achievers: FakeAchievers,
    browser: httpx.Client,
) -> None:
    """SIGSTOP: the kernel still accepts connections and nothing is ever answered. The 1 s socket
    timeouts keep every ack inside Slack's budget; and what the user was told to try again with
    (the preview, Carl's sign-in) is still there after SIGCONT, although the commands that timed
    out were sitting in Redis's socket buffers and ran when it resumed."""
    bot = faulty_bot
    link(bot)
    waiting = draft_id(preview(bot, "<@U_BOB> for the release notes #teamwork"))
    fake_achievers.logged_in = "1003"
    carl_callback = callback_url(bot, browser, "U_CARL")

    own_redis.freeze()
    assert wait_until(lambda: ready(bot) == 503)
    assert UNAVAILABLE in command_while_down(bot, "/kudos", "status")
    assert UNAVAILABLE in command_while_down(bot, "/recognize", "<@U_BOB> thanks #teamwork")
    assert UNAVAILABLE in press_while_down(  # Redis sits on this one's ack path
        bot, "recognition_announce", "", block_id=f"announce:{waiting}", selected_options=[]
    )
    assert UNAVAILABLE in press_while_down(bot, SEND, waiting)
    started = time.monotonic()
    page = browser.get(carl_callback)
    assert page.status_code == 400 and UNAVAILABLE in page.text
    assert time.monotonic() - started < ACK_BUDGET

    own_redis.thaw()
    assert wait_until(lambda: ready(bot) == 200)
    assert "linked as Ana Lopez" in text_of(command(bot, "status", name="/kudos"))
    assert fake_achievers.recognitions == []
    confirmation = press(bot, SEND, waiting)  # the same preview: "try again" meant it
    assert "no longer active" not in text_of(confirmation), text_of(confirmation)
    assert len(wait_until(lambda: fake_achievers.recognitions)) == 1
    page = browser.get(carl_callback)
    assert page.status_code == 200, page.text


def test_a_full_redis_refuses_without_losing_the_preview_or_the_sign_in(
    faulty_bot: BotProcess,
    own_redis: RedisProcess,
    fake_achievers: FakeAchievers,
    browser: httpx.Client,
) -> None:
    """maxmemory reached under `noeviction`: Redis still answers and deletes, but refuses writes
    that need memory. A Send or a sign-in must then consume nothing they could not finish."""
    bot = faulty_bot
    link(bot)
    waiting = draft_id(preview(bot, "<@U_BOB> for the release notes #teamwork"))
    fake_achievers.logged_in = "1003"
    carl_callback = callback_url(bot, browser, "U_CARL")

    own_redis.configure(maxmemory="1")
    assert UNAVAILABLE in command_while_down(bot, "/recognize", "<@U_BOB> thanks #teamwork")
    assert UNAVAILABLE in press_while_down(bot, SEND, waiting)
    tokens_before = token_requests(fake_achievers)
    page = browser.get(carl_callback)
    assert page.status_code == 400 and UNAVAILABLE in page.text
    assert token_requests(fake_achievers) == tokens_before
    assert fake_achievers.recognitions == []

    own_redis.configure(maxmemory="0")
    confirmation = press(bot, SEND, waiting)
    assert "no longer active" not in text_of(confirmation), text_of(confirmation)
    assert len(wait_until(lambda: fake_achievers.recognitions)) == 1
    page = browser.get(carl_callback)
    assert page.status_code == 200, page.text


def test_a_send_whose_queueing_fails_keeps_the_preview(
    faulty_bot: BotProcess, own_redis: RedisProcess, fake_achievers: FakeAchievers
) -> None:
    """Redis accepts the claim, then refuses the queueing (here: an ACL without XADD, a
    deterministic stand-in for Redis going away or filling up between the two)."""
    bot = faulty_bot
    link(bot)
    waiting = draft_id(preview(bot, "<@U_BOB> for the release notes #teamwork"))
    own_redis.acl("default", "-xadd")
    assert UNAVAILABLE in press_while_down(bot, SEND, waiting)
    own_redis.acl("default", "+xadd")
    confirmation = press(bot, SEND, waiting)
    assert "no longer active" not in text_of(confirmation), text_of(confirmation)
    assert len(wait_until(lambda: fake_achievers.recognitions)) == 1


@pytest.mark.parametrize("embedded", [False, True], ids=["redis", "embedded"])
async def test_a_take_that_reaches_redis_too_late_takes_nothing(
    redis_url: str, monkeypatch: pytest.MonkeyPatch, embedded: bool
) -> None:
    """Redis stalls between the TIME that sets a take's deadline and the take itself (the
    client has given up by then): the take does nothing and reports Redis as unavailable."""
    client: Redis = FakeAsyncRedis() if embedded else Redis.from_url(redis_url)
    store = Store(client, TokenCipher.ephemeral())
    pending = PendingLink(team_id="T1", user_id="U1", provider="achievers")
    await store.drafts.put(DRAFT)
    await store.links.put_state("s" * 43, pending)
    real_time = client.time

    async def a_second_ago() -> tuple[int, int]:
        seconds, micros = await real_time()
        return int(seconds) - 1, int(micros)

    try:
        monkeypatch.setattr(client, "time", a_second_ago)
        with pytest.raises(StoreUnavailable):
            await store.drafts.take("T1", "U1", "d1")
        with pytest.raises(StoreUnavailable):
            await store.links.take_state("s" * 43)
        monkeypatch.undo()
        assert await store.drafts.take("T1", "U1", "d1") == DRAFT
        assert await store.links.take_state("s" * 43) == pending
        assert await store.drafts.take("T1", "U1", "d1") is None
    finally:
        await client.aclose()


def test_a_take_window_shorter_than_the_client_timeout() -> None:
    assert TAKE_WINDOW_US / 1_000_000 < REDIS_TIMEOUT < ACK_BUDGET
