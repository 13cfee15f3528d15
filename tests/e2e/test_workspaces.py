"""Several workspaces side by side, and an Enterprise Grid org-wide install: nothing crosses
workspaces, except within the org that installed the app once for all its workspaces."""

from __future__ import annotations

import httpx

from tests.bot_process import BotProcess
from tests.e2e.flows import element
from tests.e2e.install_flows import (
    Where,
    action_from,
    answer,
    event_from,
    install,
    link_in,
    reply_in,
    said,
)
from tests.e2e.platform_flows import SEND, draft_id
from tests.fakes import FakeAchievers
from tests.fakes.slack_oauth import Consent
from tests.support import wait_until

A, B = Where("T_A"), Where("T_B")
RECOGNIZE = "<@U_BOB> for the smooth release #teamwork"


def test_a_link_and_a_preview_in_one_workspace_are_invisible_in_another(
    multi_bot: BotProcess, fake_achievers: FakeAchievers
) -> None:
    assert install(multi_bot, Consent("T_A")).status_code == 200
    assert install(multi_bot, Consent("T_B")).status_code == 200
    link_in(multi_bot, A)
    assert "linked as" in said(answer(multi_bot, A, "/kudos", "status", "U_ANA"))
    assert "not linked" in said(answer(multi_bot, B, "/kudos", "status", "U_ANA"))
    preview = answer(multi_bot, A, "/recognize", RECOGNIZE, "U_ANA")
    assert "Preview" in said(preview), preview
    seen = len(multi_bot.slack.responses("U_ANA@T_B"))
    replayed = action_from(multi_bot, B, SEND, draft_id(preview), "U_ANA")  # same user id
    assert replayed.status_code == 200
    assert "Preview" not in said(reply_in(multi_bot, B, "U_ANA", seen))
    assert not fake_achievers.recognitions
    token_a, token_b = (multi_bot.slack.installs.tokens_of(t)[0] for t in ("T_A", "T_B"))
    assert token_b not in multi_bot.slack.tokens("users.info")
    assert token_a in multi_bot.slack.tokens("users.info")


def test_one_link_serves_a_person_in_every_workspace_of_an_org_wide_install(
    multi_bot: BotProcess, fake_achievers: FakeAchievers
) -> None:
    page = install(multi_bot, Consent(None, enterprise_id="E_ORG", org_wide=True))
    assert page.status_code == 200 and "installed in your organisation" in page.text
    here, there = Where("T_X", "E_ORG", org_wide=True), Where("T_Y", "E_ORG", org_wide=True)
    link_in(multi_bot, here)
    assert "linked as" in said(answer(multi_bot, there, "/kudos", "status", "U_ANA"))
    preview = answer(multi_bot, there, "/recognize", RECOGNIZE, "U_ANA")
    seen = len(multi_bot.slack.responses("U_ANA@T_Y"))
    sent = action_from(multi_bot, there, SEND, draft_id(preview), "U_ANA")  # `team` null
    assert sent.status_code == 200
    assert "sent" in said(reply_in(multi_bot, there, "U_ANA", seen)).lower()
    assert len(fake_achievers.recognitions) == 1
    (org_token,) = multi_bot.slack.installs.tokens_of("E_ORG")
    assert set(multi_bot.slack.tokens("chat.postMessage")) == {org_token}
    # a workspace of the org keeps its own install apart from the org's
    assert "isn't installed" in said(answer(multi_bot, Where("T_X"), "/kudos", "status", "U_ANA"))


def test_a_reaction_in_an_org_wide_install_links_once_for_the_org_and_speaks_with_its_token(
    multi_bot: BotProcess,
) -> None:
    """Recognize with a reaction, and the preview that follows the link, in a workspace of an
    org-wide install: the link is the org's, every Slack call carries the org's token."""
    slack = multi_bot.slack
    assert install(multi_bot, Consent(None, enterprise_id="E_ORG", org_wide=True)).is_success
    (org_token,) = slack.installs.tokens_of("E_ORG")
    there = Where("T_Y", "E_ORG", org_wide=True)
    slack.history.add("C1", "1700000001.000100", "Shipped the fix!", user="U_BOB")
    item = {"type": "message", "channel": "C1", "ts": "1700000001.000100"}
    reacted = {"type": "reaction_added", "user": "U_ANA", "reaction": "clap", "item_user": "U_BOB"}
    reacted_on: dict[str, object] = reacted | {"item": item}
    assert event_from(multi_bot, there, reacted_on).status_code == 200
    [prompt] = wait_until(lambda: slack.calls("chat.postEphemeral") or None)
    page = httpx.get(element(prompt["blocks"], "link_open")["url"], follow_redirects=True)
    assert page.status_code == 200, page.text
    posted = slack.calls
    [dm] = wait_until(lambda: [p for p in posted("chat.postMessage") if "Preview" in said(p)])
    assert dm["channel"] == "U_ANA" and "<@U_BOB>" in said(dm)
    elsewhere = Where("T_X", "E_ORG", org_wide=True)  # another workspace of the org: linked
    assert "linked as" in said(answer(multi_bot, elsewhere, "/kudos", "status", "U_ANA"))
    for method in ("conversations.history", "chat.postEphemeral", "chat.postMessage"):
        assert set(slack.tokens(method)) == {org_token}, method
