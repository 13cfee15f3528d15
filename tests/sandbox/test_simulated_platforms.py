"""Every simulated platform, in-process, against the bot's own OAuth client and adapters (so the
sandbox shows each platform's flow as a deployment meets it): consent, code exchange with the
sandbox's secret ("+", "/", "="), who am I, people by e-mail, values, send, recent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from bot.accounts import oauth
from bot.platforms.registry import Platform, build_registry
from sandbox.config import PLATFORMS, Sandbox
from sandbox.run import SIMULATIONS
from sandbox.switch import PlatformSwitch

SANDBOX = Sandbox.fresh(3000, (3001, 3002, 3003), 3004)
REDIRECT = "http://127.0.0.1:3004/oauth/{}/callback"


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """One client reaching every simulation at the URL the sandbox's settings give it."""
    client = (SANDBOX.client_id, SANDBOX.client_secret)
    mounts = {
        f"{SANDBOX.platform_url(name)}/": httpx.ASGITransport(
            app=SIMULATIONS[name](*client, REDIRECT.format(name)).app
        )
        for name in PLATFORMS
    }
    async with httpx.AsyncClient(mounts=mounts) as shared:
        yield shared


async def sign_in(http: httpx.AsyncClient, platform: Platform, account: str) -> str:
    """The consent page, Allow as `account`, and the bot's code exchange: an access token."""
    spec, redirect = platform.spec, REDIRECT.format(platform.spec.name)
    verifier = oauth.new_code_verifier() if spec.pkce else None
    url = oauth.authorize_url(spec, platform.client, redirect, "st-1", verifier)
    page = await http.get(url)
    assert page.status_code == 200 and "Sign in to continue to Kudos Bridge" in page.text
    assert spec.display_name in page.text
    fields = dict(parse_qs(urlsplit(url).query, keep_blank_values=True))
    form = {name: values[0] for name, values in fields.items()}
    decided = await http.post(
        url.split("?")[0], data=form | {"decision": "allow", "account": account}
    )
    back = parse_qs(urlsplit(decided.headers["location"]).query)
    assert decided.headers["location"].startswith(redirect) and back["state"] == ["st-1"]
    token = await oauth.exchange_code(
        http, spec, platform.client, back["code"][0], redirect, verifier
    )
    return token.access_token


@pytest.mark.parametrize("name", PLATFORMS)
async def test_the_bot_links_recognizes_and_lists_on_each_simulation(
    http: httpx.AsyncClient, name: str
) -> None:
    assert set("+/%=") <= set(SANDBOX.client_secret)  # HTTP Basic must form-encode it
    platform = build_registry(SANDBOX.settings(), http).get(name)
    token = await sign_in(http, platform, "1001")
    adapter = platform.adapter
    me = await adapter.whoami(token)
    assert (me.id, me.name, me.email) == ("1001", "Ana Lopez", "ana@example.com")
    bob = await adapter.find_by_email(token, "bob@example.com")
    assert bob is not None and bob.name == "Bob Stone"
    values = {value.name: value for value in await adapter.list_values(token)}
    assert "Teamwork" in values
    sent = await adapter.send(token, [bob.id], "for the smooth release", values["Teamwork"])
    assert sent.url and sent.url.startswith(SANDBOX.platform_url(name))
    assert (await http.get(sent.url)).status_code == 200
    page = await adapter.recent(token, me.id, None)
    latest = page.items[0]
    assert (latest.message, latest.value, latest.recipients) == (
        "for the smooth release",
        "Teamwork",
        ["Bob Stone"],
    )
    assert any(item.giver == "Carl Diaz" for item in page.items)  # the seeded story


async def test_a_sign_in_with_the_secret_not_form_encoded_is_refused(
    http: httpx.AsyncClient,
) -> None:
    """The simulated 7Geese decodes HTTP Basic as RFC 6749 §2.3.1 says."""
    raw = httpx.BasicAuth(SANDBOX.client_id, SANDBOX.client_secret)
    url = f"{SANDBOX.platform_url('sevengeese')}/o/token/"
    answer = await http.post(
        url, data={"grant_type": "refresh_token", "refresh_token": "x"}, auth=raw
    )
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


async def test_the_switch_changes_the_default_and_refuses_anything_else(
    http: httpx.AsyncClient,
) -> None:
    registry = build_registry(SANDBOX.settings(), http)
    app = Starlette(routes=PlatformSwitch(registry).routes)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://s"
    ) as page:
        shown = (await page.get("/sandbox/platform")).json()
        assert [p["display_name"] for p in shown["platforms"]] == [
            "Achievers",
            "7Geese",
            "YouEarnedIt",
        ]
        assert shown["platform"] == "achievers"
        chosen = await page.post("/sandbox/platform", json={"platform": "kazoo"})
        assert chosen.json()["platform"] == "kazoo" and registry.get().spec.name == "kazoo"
        for wrong in ({"platform": "cultureamp"}, {"platform": ["kazoo"]}, {}):
            refused = await page.post("/sandbox/platform", json=wrong)
            assert refused.status_code == 400 and registry.get().spec.name == "kazoo"
