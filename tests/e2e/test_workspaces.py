"""Several workspaces side by side, and an Enterprise Grid org-wide install: nothing crosses
workspaces, except within the org that installed the app once for all its workspaces."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import httpx

from testkit.bot_process import BotProcess, start_bot, stop_process
from testkit.fakes import FakeAchievers, FakeSlack
from testkit.fakes.slack_oauth import Consent
from testkit.flows import element
from testkit.support import wait_until
from tests.e2e.event_payloads import function_executed
from tests.e2e.install_flows import (
    Where,
    action_from,
    answer,
    event_from,
    install,
    link_in,
    multi_workspace_env,
    reply_in,
    said,
)
from tests.e2e.platform_flows import SEND, draft_id

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
    posted = wait_until(lambda: multi_bot.slack.tokens("chat.postMessage") or None)  # after it
    assert set(posted) == {org_token}
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


def test_the_workflow_step_runs_on_the_workspace_link_and_completes_with_its_own_token(
    multi_bot: BotProcess, fake_achievers: FakeAchievers
) -> None:
    slack = multi_bot.slack
    for team in ("T_A", "T_B"):
        assert install(multi_bot, Consent(team)).status_code == 200
    link_in(multi_bot, B)
    token, execution = f"xwfp-{secrets.token_hex(8)}", f"Fx0{secrets.token_hex(5).upper()}"
    slack.step_tokens.add(token)
    giver = {"id": "U_ANA", "secret": secrets.token_hex(16)}
    inputs = {"recipients": ["U_BOB"], "message": "great demo", "value": "teamwork", "giver": giver}
    step = json.loads(function_executed(inputs, token, execution))["event"]
    assert event_from(multi_bot, B, step).status_code == 200
    [done] = wait_until(lambda: slack.calls("functions.completeSuccess") or None)
    assert done["function_execution_id"] == execution and len(fake_achievers.recognitions) == 1
    assert slack.tokens("functions.completeSuccess") == [token]  # the execution's own
    token_a = slack.installs.tokens_of("T_A")[0]
    assert token_a not in {t for m in ("users.info", "chat.postMessage") for t in slack.tokens(m)}


def test_a_step_whose_outcome_comes_late_is_completed_with_its_workspace_token(
    bot_env: dict[str, str], fake_slack: FakeSlack, fake_achievers: FakeAchievers, tmp_path: Path
) -> None:
    """Queued past Send's wait, the step is completed by the outbox, as B's bot."""
    env = multi_workspace_env(bot_env, fake_slack) | {"OUTBOX_RETRY_SECONDS": "1"}
    bot = start_bot(env, tmp_path / "bot", fake_slack)
    try:
        for team in ("T_A", "T_B"):
            assert install(bot, Consent(team)).status_code == 200
        link_in(bot, B)
        fake_achievers.fail_next(429, retry_after=3, method="POST", path="/api/v5/recognitions")
        token, execution = f"xwfp-{secrets.token_hex(8)}", f"Fx0{secrets.token_hex(5).upper()}"
        fake_slack.step_tokens.add(token)
        giver = {"id": "U_ANA", "secret": secrets.token_hex(16)}
        inputs = {"recipients": ["U_BOB"], "message": "great demo", "giver": giver}
        step = json.loads(function_executed(inputs | {"value": "teamwork"}, token, execution))
        assert event_from(bot, B, step["event"]).status_code == 200
        [done] = wait_until(lambda: fake_slack.calls("functions.completeSuccess") or None, 15)
        assert done["function_execution_id"] == execution and fake_achievers.recognitions
        (token_b,) = fake_slack.installs.tokens_of("T_B")
        assert fake_slack.tokens("functions.completeSuccess") == [token_b]
    finally:
        stop_process(bot.process)


def test_the_step_value_menu_of_an_org_wide_install_reads_the_builders_org_link(
    multi_bot: BotProcess,
) -> None:
    slack = multi_bot.slack
    assert install(multi_bot, Consent(None, enterprise_id="E_ORG", org_wide=True)).is_success
    link_in(multi_bot, Where("T_X", "E_ORG", org_wide=True))
    token, execution = f"xwfp-{secrets.token_hex(8)}", f"Fx0{secrets.token_hex(5).upper()}"
    slack.step_tokens.add(token)
    builder = {"builder": {"id": "U_ANA", "secret": secrets.token_hex(16)}}
    menu = function_executed(builder, token, execution, callback_id="recognition_values")
    there = Where("T_Y", "E_ORG", org_wide=True)  # built in another workspace of the org
    assert event_from(multi_bot, there, json.loads(menu)["event"]).status_code == 200
    [done] = wait_until(lambda: slack.calls("functions.completeSuccess") or None)
    assert "Teamwork" in {o["text"]["text"] for o in done["outputs"]["options"]}
