"""Across platforms: a state from one platform refused at another's callback (mix-up defence),
and no token of any platform in Redis or the log."""

from __future__ import annotations

import httpx
import redis

from testkit.bot_process import BotProcess
from testkit.fakes import FakeCultureAmp, FakeKazoo, FakeSevenGeese, FakeSlack
from testkit.fakes.server_data import PlatformFake
from testkit.flows import command, element, text_of
from testkit.support import stored, wait_until
from tests.e2e.platform_flows import (
    OPEN,
    Launch,
    callback_of,
    link_prompt,
    lookup,
    open_link_on,
    recorded,
)


def test_state_from_one_platform_is_refused_at_another(
    launch: Launch, fake_sevengeese: FakeSevenGeese, fake_kazoo: FakeKazoo, fake_slack: FakeSlack
) -> None:
    bot = launch("sevengeese", "kazoo", default="sevengeese")
    for issued, presented in (("sevengeese", "kazoo"), ("kazoo", "sevengeese")):
        back = callback_of(element(link_prompt(bot, issued)["blocks"], OPEN)["url"])
        assert back.path == f"/oauth/{issued}/callback" and back.params["code"]
        page = httpx.get(f"{bot.base_url}/oauth/{presented}/callback", params=back.params)
        assert page.status_code == 400 and "expired" in page.text
    assert recorded(fake_kazoo).to("/oauth/token") == []
    assert recorded(fake_sevengeese).to("/o/token/") == []
    status = text_of(command(bot, "status", name="/kudos"))
    assert "*7Geese*: not linked" in status and "*YouEarnedIt*: not linked" in status
    assert not any("linked to" in str(m.get("text")) for m in fake_slack.responses("U_ANA"))


def _linked_everywhere_then_refreshed(bot: BotProcess, fakes: list[PlatformFake]) -> None:
    """Link Ana on both platforms, then make each refresh once (refresh tokens travel too)."""
    for name in ("sevengeese", "kazoo"):
        assert open_link_on(bot, name).status_code == 200
    for fake in fakes:
        fake.expire_tokens()
    for name in ("sevengeese", "kazoo"):
        card = lookup(bot, f"whois <@U_BOB> {name}")
        assert "Bob Stone" in text_of(card)
    for fake in fakes:
        assert fake.grant_counts() == {"authorization_code": 1, "refresh_token": 1}


def test_no_token_in_redis_or_logs(
    launch: Launch,
    fake_sevengeese: FakeSevenGeese,
    fake_kazoo: FakeKazoo,
    fake_cultureamp: FakeCultureAmp,
    redis_url: str,
) -> None:
    bot = launch("sevengeese", "kazoo", "cultureamp")
    fakes: list[PlatformFake] = [fake_sevengeese, fake_kazoo]
    _linked_everywhere_then_refreshed(bot, fakes)
    wait_until(lambda: fake_cultureamp.employee_requests() >= 3)  # its app token is in use
    fakes.append(fake_cultureamp)
    secrets = [secret for fake in fakes for secret in [*fake.issued_tokens(), fake.client_secret]]
    assert len(secrets) == 2 * (4 + 1) + (1 + 1)  # per user platform: 2 access, 2 refresh
    with redis.Redis.from_url(redis_url) as client:
        keys = list(client.scan_iter("*"))
        everything = stored(client)  # keys and values, read whole (a DUMP is compressed)
    assert len(keys) >= 3  # two links and the app token, at least
    for blob in [*everything, bot.log_text().encode()]:
        assert not any(secret.encode() in blob for secret in secrets)
