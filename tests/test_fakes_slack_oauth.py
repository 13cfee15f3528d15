"""The Slack fake's install side answers as Slack documents oauth.v2.access, read by slack_sdk:
a workspace install, an org-wide install (`team` null), and token rotation."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from testkit.fakes import FakeSlack
from testkit.fakes.slack_oauth import ROTATING_LIFETIME, Consent

REDIRECT = "https://kudos.example.com/slack/oauth_redirect"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack("xoxb-single")
    with fake.serving():
        yield fake


def _code(slack: FakeSlack, consent: Consent) -> str:
    """Approve `consent` on the consent page; the code it redirects back with."""
    slack.installs.consent = consent
    query = {"client_id": slack.installs.client_id, "state": "s1", "redirect_uri": REDIRECT}
    back = httpx.get(f"{slack.base_url}/oauth/v2/authorize", params=query)
    assert back.status_code == 302 and back.headers["location"].startswith(REDIRECT)
    sent = parse_qs(urlsplit(back.headers["location"]).query)
    assert sent["state"] == ["s1"]
    return sent["code"][0]


def _client(slack: FakeSlack) -> WebClient:
    return WebClient(base_url=f"{slack.base_url}/api/")


def _access(slack: FakeSlack, **grant: str) -> dict[str, object]:
    installs = slack.installs
    answer = _client(slack).oauth_v2_access(
        client_id=installs.client_id, client_secret=installs.client_secret, **grant
    )
    return dict(answer.data)  # type: ignore[arg-type]


def test_a_workspace_install_answers_a_bot_token_for_the_team(slack: FakeSlack) -> None:
    answer = _access(slack, code=_code(slack, Consent("T_A")))
    assert answer["team"] == {"id": "T_A", "name": "Team"}
    assert answer["is_enterprise_install"] is False and answer["enterprise"] is None
    assert str(answer["access_token"]).startswith("xoxb-") and "refresh_token" not in answer
    assert _client(slack).auth_test(token=str(answer["access_token"]))["bot_id"] == "B_T_A"


def test_an_org_wide_install_has_no_team(slack: FakeSlack) -> None:
    consent = Consent(None, enterprise_id="E_ORG", org_wide=True)
    answer = _access(slack, code=_code(slack, consent))
    assert answer["team"] is None and answer["is_enterprise_install"] is True
    assert answer["enterprise"] == {"id": "E_ORG", "name": "Org"}


def test_rotation_answers_a_refresh_token_usable_once(slack: FakeSlack) -> None:
    answer = _access(slack, code=_code(slack, Consent("T_A", rotating=True)))
    assert str(answer["access_token"]).startswith("xoxe.xoxb-")
    assert answer["expires_in"] == ROTATING_LIFETIME
    refresh = str(answer["refresh_token"])
    renewed = _access(slack, grant_type="refresh_token", refresh_token=refresh)
    assert renewed["access_token"] != answer["access_token"]
    assert renewed["refresh_token"] != refresh
    with pytest.raises(SlackApiError, match="invalid_refresh_token"):
        _access(slack, grant_type="refresh_token", refresh_token=refresh)


def test_a_code_works_once_and_only_with_the_client_secret(slack: FakeSlack) -> None:
    code = _code(slack, Consent("T_A"))
    with pytest.raises(SlackApiError, match="invalid_client_id"):
        _client(slack).oauth_v2_access(client_id="111.222", client_secret="wrong", code=code)
    _access(slack, code=code)
    with pytest.raises(SlackApiError, match="invalid_code"):
        _access(slack, code=code)
