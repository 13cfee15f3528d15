"""sandbox/platform.py: the simulated Achievers speaks the API shape the bot's adapter reads."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from sandbox.platform import AUTHORIZE, TOKEN, SimulatedPlatform
from tests.sandbox.conftest import REDIRECT_URI

Platform = tuple[httpx.AsyncClient, SimulatedPlatform]
ASK = {"client_id": "client-1", "response_type": "code", "scope": "read write", "state": "st<1>"}
CLIENT = {"client_id": "client-1", "client_secret": "secret-1"}


async def decide(client: httpx.AsyncClient, decision: str, account: str = "1001") -> httpx.Response:
    """The consent form posted with Allow or Deny."""
    return await client.post(AUTHORIZE, data=ASK | {"decision": decision, "account": account})


async def sign_in(client: httpx.AsyncClient, account: str = "1001") -> str:
    """Allow, then exchange the code: an access token for `account`."""
    redirect = await decide(client, "allow", account)
    code = parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]
    answer = await client.post(
        TOKEN, json=CLIENT | {"grant_type": "authorization_code", "code": code}
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_consent_page_lists_accounts_and_escapes_what_it_echoes(platform: Platform) -> None:
    client, _ = platform
    page = await client.get(AUTHORIZE, params=ASK)
    assert page.status_code == 200
    assert "Ana Lopez" in page.text and "Allow" in page.text and "Deny" in page.text
    assert "st&lt;1&gt;" in page.text and "st<1>" not in page.text


async def test_unknown_client_is_refused(platform: Platform) -> None:
    client, _ = platform
    page = await client.get(AUTHORIZE, params=ASK | {"client_id": "someone-else"})
    assert page.status_code == 400


async def test_allow_redirects_with_a_code_and_the_state(platform: Platform) -> None:
    client, _ = platform
    answer = await decide(client, "allow")
    target = urlsplit(answer.headers["location"])
    assert answer.status_code == 303
    assert f"{target.scheme}://{target.netloc}{target.path}" == REDIRECT_URI
    query = parse_qs(target.query)
    assert query["state"] == ["st<1>"] and query["code"][0]


async def test_deny_redirects_with_access_denied(platform: Platform) -> None:
    client, _ = platform
    answer = await decide(client, "deny")
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query == {"error": ["access_denied"], "state": ["st<1>"]}


async def test_allow_without_an_account_asks_again(platform: Platform) -> None:
    client, _ = platform
    answer = await decide(client, "allow", account="")
    assert answer.status_code == 400 and "Pick the account" in answer.text


async def test_token_needs_json_the_client_and_a_fresh_code(platform: Platform) -> None:
    client, _ = platform
    redirect = await decide(client, "allow")
    code = parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]
    grant = CLIENT | {"grant_type": "authorization_code", "code": code}
    assert (await client.post(TOKEN, data=grant)).status_code == 400  # a form body
    wrong = grant | {"client_secret": "nope"}
    assert (await client.post(TOKEN, json=wrong)).json()["error"] == "invalid_client"
    first = await client.post(TOKEN, json=grant)
    assert first.status_code == 200 and first.json()["token_type"] == "Bearer"
    assert first.json()["expires_in"] > 10 * 365 * 24 * 3600  # a UNIX timestamp
    assert (await client.post(TOKEN, json=grant)).json()["error"] == "invalid_grant"


async def test_current_member_and_search_by_email(platform: Platform) -> None:
    client, _ = platform
    token = await sign_in(client, "1002")
    me = (await client.get("/api/v5/current-member", headers=bearer(token))).json()
    assert (me["id"], me["emailAddress"]) == ("1002", "bob@example.com")
    found = await client.get(
        "/api/v5/users", params={"q": "carl@example.com", "pageSize": "50"}, headers=bearer(token)
    )
    assert [user["id"] for user in found.json()["items"]] == ["1003"]
    assert "next" not in found.json()["paging"]


async def test_api_refuses_missing_or_unknown_tokens(platform: Platform) -> None:
    client, _ = platform
    assert (await client.get("/api/v5/current-member")).status_code == 401
    answer = await client.get("/api/v5/current-member", headers=bearer("made-up"))
    assert answer.status_code == 401


async def test_criteria_send_and_list(platform: Platform) -> None:
    client, _ = platform
    token = await sign_in(client, "1001")
    options = await client.options("/api/v5/recognitions", headers=bearer(token))
    criteria = [c["name"] for c in options.json()["items"][0]["criteria"]]
    assert "Teamwork" in criteria
    form = {"nominees": ["1002"], "recognitionText": "Thanks!", "criterionId": "601"}
    sent = await client.post(
        "/api/v5/recognitions", data=form | {"useUserIds": "true"}, headers=bearer(token)
    )
    assert sent.status_code == 200 and sent.json()["newsfeedEventURL"].endswith(
        f"/event/{sent.json()['id']}"
    )
    listed = await client.get(
        "/api/v5/recognitions", params={"userId": "1002", "pageSize": "1"}, headers=bearer(token)
    )
    body = listed.json()
    assert body["items"][0]["recognitionText"] == "Thanks!"
    assert body["paging"]["totalItems"] == 2 and "next" in body["paging"]
    page = await client.get(f"/event/{sent.json()['id']}")
    assert "Thanks!" in page.text


async def test_invalid_recognitions_are_refused(platform: Platform) -> None:
    client, _ = platform
    token = await sign_in(client, "1001")
    to_self = {"nominees": "1001", "recognitionText": "me", "criterionId": "601"}
    answer = await client.post(
        "/api/v5/recognitions", data=to_self | {"useUserIds": "true"}, headers=bearer(token)
    )
    assert answer.status_code == 400 and "yourself" in answer.json()["error_description"]
