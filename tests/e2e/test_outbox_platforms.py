"""Delivery cases on KazooHR and 7Geese: a link that is gone by the time of Send gets a link
button, and a 7Geese send that is partly unavailable is finished for the missing recipient."""

from __future__ import annotations

import json
from typing import Any

import httpx

from testkit.bot_process import BotProcess
from testkit.fakes import FakeKazoo, FakeSevenGeese, FakeSlack
from testkit.flows import command, element, elements, press, preview, text_of
from testkit.support import wait_until
from tests.e2e.platform_flows import SEND, Launch, draft_id, open_link_on
from tests.e2e.test_outbox import RETRY, dms_to

OPEN_LINK = "link_open"

KAZOO_RECOGNIZE = "<@U_BOB> thanks for the review #integrity"


def kazoo_status(bot: BotProcess) -> str:
    return text_of(command(bot, "status", name="/kudos"))


def assert_offers_to_link_again(outcome: dict[str, Any], fake: FakeKazoo, bot: BotProcess) -> None:
    """The outcome has a link button and no Retry; the link is gone; the button links again."""
    assert "was not delivered" in text_of(outcome)
    ids = [item.get("action_id") for item in elements(outcome["blocks"])]
    assert RETRY not in ids
    url = element(outcome["blocks"], OPEN_LINK)["url"]
    assert url.startswith(f"{fake.base_url}/oauth/authorize")
    assert "*YouEarnedIt*: not linked" in kazoo_status(bot)
    assert fake.recognitions == []
    assert httpx.get(url, follow_redirects=True).status_code == 200
    assert "*YouEarnedIt*: linked as Ana Lopez" in kazoo_status(bot)


def test_send_after_the_platform_refused_the_refresh_offers_to_link_again(
    launch: Launch, fake_kazoo: FakeKazoo
) -> None:
    bot = launch("kazoo")
    assert open_link_on(bot).status_code == 200
    draft = draft_id(preview(bot, KAZOO_RECOGNIZE))
    fake_kazoo.expire_tokens()  # the POST gets a 401, and the refresh ...
    invalid_grant = json.dumps({"error": "invalid_grant"})
    fake_kazoo.fail_next(400, body=invalid_grant, path="/oauth/token")  # ... is refused
    assert_offers_to_link_again(press(bot, SEND, draft), fake_kazoo, bot)


def test_send_after_a_second_401_offers_to_link_again(
    launch: Launch, fake_kazoo: FakeKazoo
) -> None:
    bot = launch("kazoo")
    assert open_link_on(bot).status_code == 200
    draft = draft_id(preview(bot, KAZOO_RECOGNIZE))
    fake_kazoo.fail_next(401, times=2, method="POST", path="/api/v3/recognitions")
    assert_offers_to_link_again(press(bot, SEND, draft), fake_kazoo, bot)
    assert fake_kazoo.grant_counts().get("refresh_token") == 1  # one refresh, then it gave up


def test_a_link_found_gone_after_the_watch_is_dmed_with_a_link_button(
    bot_env: dict[str, str], launch: Launch, fake_kazoo: FakeKazoo, fake_slack: FakeSlack
) -> None:
    bot_env["OUTBOX_RETRY_SECONDS"] = "1"
    bot = launch("kazoo")
    assert open_link_on(bot).status_code == 200
    draft = draft_id(preview(bot, KAZOO_RECOGNIZE))
    recognitions = "/api/v3/recognitions"
    fake_kazoo.fail_next(503, method="POST", path=recognitions)  # away while Ana watches ...
    fake_kazoo.fail_next(401, times=2, method="POST", path=recognitions)  # ... then the link ends
    assert "is queued" in text_of(press(bot, SEND, draft))
    [dm] = wait_until(lambda: dms_to(fake_slack, "U_ANA", "was not delivered"), timeout=30)
    assert_offers_to_link_again(dm, fake_kazoo, bot)


def test_a_partly_unavailable_send_is_finished_for_the_missing_recipient_only(
    bot_env: dict[str, str], launch: Launch, fake_sevengeese: FakeSevenGeese, fake_slack: FakeSlack
) -> None:
    """7Geese took Bob's recognition, then was away for Carl's: Carl's is sent later, once."""
    bot_env["OUTBOX_RETRY_SECONDS"] = "1"
    bot = launch("sevengeese")
    assert open_link_on(bot).status_code == 200
    draft = draft_id(preview(bot, "<@U_BOB> <@U_CARL> for the smooth release #teamwork"))
    fake_sevengeese.latency = 0.5  # Carl's request waits while the failure is armed
    assert bot.post_action(SEND, draft, "U_ANA").status_code == 200
    wait_until(lambda: fake_sevengeese.recognitions)  # Bob's is recorded ...
    fake_sevengeese.fail_next(503, method="POST")  # ... and 7Geese is away for Carl's
    fake_sevengeese.latency = 0.0
    wait_until(lambda: dms_to(fake_slack, "U_ANA", "Recognition sent to"), timeout=30)
    assert [r["recipients"] for r in fake_sevengeese.recognitions] == [["2"], ["3"]]
