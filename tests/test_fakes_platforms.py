"""The 7Geese, KazooHR and Culture Amp fakes keep the contracts of reference/provider-apis.md."""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

import httpx
import pytest

from testkit.fakes import FakeCultureAmp, FakeKazoo, FakeSevenGeese
from testkit.fakes.server_data import PlatformFake
from testkit.fakes.sevengeese import s256

SG = ("sg-client", "Kudos+Bridge/s3cret%21==")  # changed by RFC 6749 §2.3.1 encoding


def basic(client_id: str, secret: str) -> tuple[str, str]:
    """HTTP Basic credentials as RFC 6749 §2.3.1 has a client send them: form-encoded first."""
    return quote_plus(client_id, safe=""), quote_plus(secret, safe="")


SG_BASIC = basic(*SG)
KZ = {"client_id": "kz-client", "client_secret": "kz-secret"}
ENTITY = "8ed17dce-9eca-4383-a9e1-54f82c362b6d"
EMPLOYEES_READ = f"target-entity:{ENTITY}:employees-read"
CALLBACK = "https://bot.example/oauth/{}/callback"
PEOPLE = [("Ana", "Lopez", "ana@example.com"), ("Bob", "Stone", "Bob@Example.com")]
PEOPLE += [("Carl", "Diaz", "carl@example.com")]
HTTP = httpx.Client(timeout=10)  # one client: building one per call costs ~20 ms
Body = dict[str, Any]


@pytest.fixture(scope="module", autouse=True)
def _close_http() -> Iterator[None]:
    yield
    HTTP.close()


def _populate(fake: PlatformFake, first_id: int) -> None:
    """PEOPLE with ids from `first_id`; the first one signs in."""
    for n, (first, last, email) in enumerate(PEOPLE):
        fake.add_person(str(first_id + n), first, last, email, title="Engineer")
    fake.logged_in = str(first_id)


@pytest.fixture
def geese() -> Iterator[FakeSevenGeese]:
    """7Geese with profiles 101 (Ana, signed in), 102 (Bob), 103 (Carl)."""
    fake = FakeSevenGeese(*SG, redirect_uri=CALLBACK.format("sevengeese"))
    _populate(fake, 101)
    with fake.serving():
        yield fake


@pytest.fixture
def kazoo() -> Iterator[FakeKazoo]:
    """YouEarnedIt with users 2001 (Ana, signed in), 2002 (Bob), 2003 (Carl)."""
    fake = FakeKazoo(KZ["client_id"], KZ["client_secret"], CALLBACK.format("kazoo"))
    _populate(fake, 2001)
    with fake.serving():
        yield fake


@pytest.fixture
def cultureamp() -> Iterator[FakeCultureAmp]:
    """Culture Amp with no employees yet."""
    fake = FakeCultureAmp("ca:client", "ca+secret/%21=", entity_id=ENTITY)
    with fake.serving():
        yield fake


def _authorize(fake: PlatformFake, path: str, **extra: str) -> dict[str, list[str]]:
    """Run the authorize step; the callback's query parameters."""
    query = {"client_id": fake.client_id, "response_type": "code"}
    query |= {"redirect_uri": fake.redirect_uri} | extra
    r = HTTP.get(f"{fake.base_url}{path}", params=query)
    assert r.status_code == 302 and r.headers["location"].startswith(fake.redirect_uri + "?")
    return parse_qs(urlsplit(r.headers["location"]).query)


def _ok(r: httpx.Response) -> Body:
    assert r.status_code == 200, r.text
    body: Body = r.json()
    return body


def _geese_tokens(fake: FakeSevenGeese, scope: str = "all") -> Body:
    code = _authorize(fake, "/o/authorize/", scope=scope)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": fake.redirect_uri}
    return _ok(HTTP.post(f"{fake.base_url}/o/token/", data=form, auth=SG_BASIC))


def _kazoo_tokens(fake: FakeKazoo) -> Body:
    code = _authorize(fake, "/oauth/authorize")["code"][0]
    query = {"grant_type": "authorization_code", "scope": "API", "code": code} | KZ
    query["redirect_uri"] = fake.redirect_uri
    return _ok(HTTP.post(f"{fake.base_url}/oauth/token", params=query))


def _cultureamp_token(fake: FakeCultureAmp, scope: str = EMPLOYEES_READ) -> str:
    form = {"grant_type": "client_credentials", "scope": scope}
    auth = basic(fake.client_id, fake.client_secret)
    answer = _ok(HTTP.post(f"{fake.base_url}/v1/oauth2/token", data=form, auth=auth))
    return str(answer["access_token"])


def _bearer(token: str) -> dict[str, str]:
    """The API headers (YouEarnedIt requires the JSON content type on every request)."""
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


# ---- all three --------------------------------------------------------------------------

PLATFORMS: dict[str, tuple[str, Callable[[Any], str], str]] = {
    "geese": ("/api/v/2.0/userprofiles/me/", lambda f: _geese_tokens(f)["access_token"], "detail"),
    "kazoo": ("/api/v3/users/me", lambda f: _kazoo_tokens(f)["access_token"], "errors"),
    "cultureamp": ("/v1/employees", _cultureamp_token, "error"),
}


@pytest.mark.parametrize("name", PLATFORMS)
def test_api_failures_expiry_and_tokens(name: str, request: pytest.FixtureRequest) -> None:
    fake: PlatformFake = request.getfixturevalue(name)
    path, get_token, error_key = PLATFORMS[name]
    token, url = get_token(fake), f"{fake.base_url}{path}"
    assert token in fake.issued_tokens()
    assert HTTP.get(url).status_code == 401
    fake.fail_next(503, times=2)
    assert [HTTP.get(url, headers=_bearer(token)).status_code for _ in range(3)] == [503, 503, 200]
    fake.expire_tokens()
    expired = HTTP.get(url, headers=_bearer(token))
    assert expired.status_code == 401 and error_key in expired.json()


AUTHORIZE = [("geese", "/o/authorize/"), ("kazoo", "/oauth/authorize")]


@pytest.mark.parametrize(("name", "path"), AUTHORIZE)
def test_authorize_denies_and_checks_redirect_uri(
    name: str, path: str, request: pytest.FixtureRequest
) -> None:
    fake: PlatformFake = request.getfixturevalue(name)
    params = _authorize(fake, path, state="s1")
    assert params["state"] == ["s1"] and len(params["code"][0]) >= 20
    assert "state" not in _authorize(fake, path)
    fake.deny = True
    assert _authorize(fake, path, state="s2") == {"error": ["access_denied"], "state": ["s2"]}
    query = {"client_id": fake.client_id, "response_type": "code", "redirect_uri": "https://x/cb"}
    assert HTTP.get(f"{fake.base_url}{path}", params=query).status_code == 400


# ---- 7Geese and Culture Amp token endpoints: a form body, client auth by Basic or body -----

CLIENT_AUTH: dict[str, tuple[str, int, str | None]] = {
    "form + basic": ("basic", 200, None),
    "basic, not form-encoded first": ("raw basic", 401, "invalid_client"),
    "form + body credentials": ("body", 200, None),
    "json body": ("json", 400, "invalid_request"),
    "wrong secret": ("wrong", 401, "invalid_client"),
    "no client auth": ("none", 401, "invalid_client"),
}


def _token_call(fake: PlatformFake, path: str, form: dict[str, str], how: str) -> httpx.Response:
    """POST `form` to a token endpoint, authenticating the client as `how` says."""
    url, creds = f"{fake.base_url}{path}", (fake.client_id, fake.client_secret)
    if how in ("body", "none"):
        body = {"client_id": creds[0], "client_secret": creds[1]} if how == "body" else {}
        return HTTP.post(url, data=form | body)
    if how == "raw basic":
        return HTTP.post(url, data=form, auth=creds)
    auth = basic(creds[0], "nope") if how == "wrong" else basic(*creds)
    if how == "json":
        return HTTP.post(url, json=form, auth=auth)
    return HTTP.post(url, data=form, auth=auth)


@pytest.mark.parametrize("case", CLIENT_AUTH)
def test_geese_token_endpoint_client_auth(geese: FakeSevenGeese, case: str) -> None:
    how, status, error = CLIENT_AUTH[case]
    code = _authorize(geese, "/o/authorize/", scope="userprofile:read")["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": geese.redirect_uri}
    r = _token_call(geese, "/o/token/", form, how)
    assert r.status_code == status and r.json().get("error") == error
    if status == 200:
        answer = r.json()
        assert (answer["expires_in"], answer["token_type"]) == (36000, "Bearer")
        assert answer["scope"] == "userprofile:read"
        assert {answer["access_token"], answer["refresh_token"]} <= set(geese.issued_tokens())


@pytest.mark.parametrize("case", CLIENT_AUTH)
def test_cultureamp_token_endpoint_client_auth(cultureamp: FakeCultureAmp, case: str) -> None:
    how, status, error = CLIENT_AUTH[case]
    form = {"grant_type": "client_credentials", "scope": EMPLOYEES_READ}
    r = _token_call(cultureamp, "/v1/oauth2/token", form, how)
    assert r.status_code == status and r.json().get("error") == error
    if status == 200:
        answer = r.json()
        assert (answer["expires_in"], answer["token_type"]) == (3599, "Bearer")
        _, claims, _ = answer["access_token"].split(".")  # JWT-looking
        assert json.loads(base64.urlsafe_b64decode(claims + "=="))["scope"] == answer["scope"]
        assert answer["scope"] == EMPLOYEES_READ
        assert cultureamp.grant_counts() == {"client_credentials": 1}


BAD_SCOPES = ["target-entity:other:employees-read", f"target-entity:{ENTITY}:surveys-read"]
BAD_SCOPES += [f"target-entity:{ENTITY}:", "employees-read", ""]


@pytest.mark.parametrize("scope", BAD_SCOPES)
def test_cultureamp_token_scope(cultureamp: FakeCultureAmp, scope: str) -> None:
    form = {"grant_type": "client_credentials", "scope": scope}
    r = _token_call(cultureamp, "/v1/oauth2/token", form, "basic")
    assert (r.status_code, r.json()["error"]) == (400, "invalid_scope")


# ---- 7Geese -----------------------------------------------------------------------------

VERIFIER = secrets.token_urlsafe(32)
CODE_CHECKS: dict[str, tuple[dict[str, str | None], int]] = {
    "matching verifier": ({}, 200),
    "verifier mismatch": ({"code_verifier": secrets.token_urlsafe(32)}, 400),
    "verifier missing": ({"code_verifier": None}, 400),
    "redirect_uri mismatch": ({"redirect_uri": "https://bot.example/elsewhere"}, 400),
}


@pytest.mark.parametrize("case", CODE_CHECKS)
def test_geese_code_exchange_checks_pkce_and_redirect(geese: FakeSevenGeese, case: str) -> None:
    change, status = CODE_CHECKS[case]
    pkce = {"code_challenge": s256(VERIFIER), "code_challenge_method": "S256"}
    code = _authorize(geese, "/o/authorize/", **pkce)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": geese.redirect_uri}
    form["code_verifier"] = VERIFIER
    sent = {k: v for k, v in (form | change).items() if v is not None}
    r = HTTP.post(f"{geese.base_url}/o/token/", data=sent, auth=SG_BASIC)
    assert r.status_code == status and r.json().get("error") in (None, "invalid_grant")
    again = HTTP.post(f"{geese.base_url}/o/token/", data=form, auth=SG_BASIC)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")  # single use


def test_geese_refresh_rotates_and_reuse_revokes_the_family(geese: FakeSevenGeese) -> None:
    def refresh(token: str) -> httpx.Response:
        form = {"grant_type": "refresh_token", "refresh_token": token}
        return HTTP.post(f"{geese.base_url}/o/token/", data=form, auth=SG_BASIC)

    def me(tokens: Body) -> int:
        headers = _bearer(tokens["access_token"])
        return HTTP.get(f"{geese.base_url}/api/v/2.0/userprofiles/me/", headers=headers).status_code

    first, other = _geese_tokens(geese), _geese_tokens(geese)
    second = _ok(refresh(first["refresh_token"]))
    assert second["refresh_token"] != first["refresh_token"] and second["expires_in"] == 36000
    assert (me(first), me(second)) == (401, 200)  # the refreshed access token is revoked
    assert not geese.refresh_reuse_detected and geese.revoked_families() == 0
    replay = refresh(first["refresh_token"])
    assert (replay.status_code, replay.json()["error"]) == (400, "invalid_grant")
    assert geese.refresh_reuse_detected and geese.revoked_families() == 1
    assert (me(second), refresh(second["refresh_token"]).status_code, me(other)) == (401, 400, 200)
    assert geese.grant_counts() == {"authorization_code": 2, "refresh_token": 1}


def _graphql(fake: FakeSevenGeese, headers: dict[str, str], query: str, **variables: Any) -> Body:
    body = {"query": query, "variables": variables}
    return _ok(HTTP.post(f"{fake.base_url}/graphql", json=body, headers=headers))


def test_geese_profile_graphql_and_scopes(geese: FakeSevenGeese) -> None:
    headers = _bearer(_geese_tokens(geese, scope="userprofile:read")["access_token"])
    me = _ok(HTTP.get(f"{geese.base_url}/api/v/2.0/userprofiles/me/", headers=headers))
    assert (me["id"], me["user"]["id"], me["user"]["email"]) == (101, 5101, "ana@example.com")
    assert (me["position"], me["department"]) == ("Engineer", None)
    by_var = "query($e: String!) { profiles(user_Email: $e) { edges { node { pk fullName } } } }"
    [edge] = _graphql(geese, headers, by_var, e="bob@EXAMPLE.com")["data"]["profiles"]["edges"]
    assert edge["node"] == {
        "pk": 102,
        "fullName": "Bob Stone",
        "user": {"email": PEOPLE[1][2]},
        "position": "Engineer",
        "profileImageUrl": f"{geese.base_url}/media/avatars/102.png",
    }
    inline = '{ profiles(user_Email: "nobody@example.com") { edges { node { pk } } } }'
    assert _graphql(geese, headers, inline) == {"data": {"profiles": {"edges": []}}}
    badges = _graphql(geese, headers, "{ badges(first: 10) { edges { node { pk name active } } } }")
    nodes = [e["node"] for e in badges["data"]["badges"]["edges"]]
    active = [n["name"] for n in nodes if n["active"]]
    assert active == ["Teamwork", "Above and Beyond", "Customer Love"]
    assert [n["name"] for n in nodes if not n["active"]] == ["Retired Badge"]
    assert _graphql(geese, headers, "{ objectives { edges { node { pk } } } }")["errors"]
    assert HTTP.get(f"{geese.base_url}/api/v/2.0/recognitions/", headers=headers).status_code == 403


SEND_ERRORS: dict[str, tuple[Body | None, int, str]] = {
    "unknown recipient": ({"recipient": 999, "badge": None, "message": "x"}, 400, "recipient"),
    "profile pk as a string": ({"recipient": "102", "message": "x"}, 400, "recipient"),
    "to yourself": ({"recipient": 101, "message": "x"}, 400, "non_field_errors"),
    "unknown badge": ({"recipient": 102, "badge": 999, "message": "x"}, 400, "badge"),
    "retired badge": ({"recipient": 102, "badge": 304, "message": "x"}, 400, "badge"),
    "blank message": ({"recipient": 102, "badge": 301, "message": " "}, 400, "message"),
    "form body": (None, 415, "detail"),
}


@pytest.mark.parametrize("case", SEND_ERRORS)
def test_geese_send_rejects(geese: FakeSevenGeese, case: str) -> None:
    body, status, key = SEND_ERRORS[case]
    url = f"{geese.base_url}/api/v/2.0/recognitions/"
    headers = _bearer(_geese_tokens(geese)["access_token"])
    if body is None:
        r = HTTP.post(url, data={"recipient": "102", "message": "x"}, headers=headers)
    else:
        r = HTTP.post(url, json=body, headers=headers)
    assert r.status_code == status and key in r.json()
    assert geese.recognitions == []


def test_geese_recognitions_send_and_drf_pages(geese: FakeSevenGeese) -> None:
    url = f"{geese.base_url}/api/v/2.0/recognitions/"
    headers = _bearer(_geese_tokens(geese)["access_token"])
    for recipient, badge in [(102, 301), (103, None), (102, 302)]:
        body = {"recipient": recipient, "badge": badge, "message": f"hi {recipient}"}
        created = HTTP.post(url, json=body, headers=headers)
        assert created.status_code == 201
    view = created.json()
    assert (view["recipient"]["id"], view["recipient"]["user"]["id"]) == (102, 5102)
    assert view["creator"] == {"id": 101, "user": view["creator"]["user"] | {"id": 5101}}
    assert view["badge"] == f"{geese.base_url}/api/v/2.0/badges/302/"
    first = _ok(HTTP.get(url, params={"limit": 2}, headers=headers))
    assert (first["count"], first["previous"], first["results"][1]["badge"]) == (3, None, None)
    assert [r["message"] for r in first["results"]] == ["hi 102", "hi 103"]  # newest first
    assert first["next"].startswith(geese.base_url) and "offset=2" in first["next"]
    second = _ok(HTTP.get(first["next"], headers=headers))
    assert second["next"] is None and "offset" not in second["previous"]
    assert [r["id"] for r in second["results"]] == [geese.recognitions[0]["id"]]
    assert _ok(HTTP.get(url, headers=headers))["next"] is None  # default limit 20
    sent = [(r["sender"], r["recipients"], r["value"]) for r in geese.recognitions]
    assert sent == [("101", ["102"], "301"), ("101", ["103"], None), ("101", ["102"], "302")]


def test_geese_listing_takes_only_documented_filters(geese: FakeSevenGeese) -> None:
    """`created__date` (UTC) filters; a filter the reference doesn't document is refused."""
    url = f"{geese.base_url}/api/v/2.0/recognitions/"
    headers = _bearer(_geese_tokens(geese)["access_token"])
    for recipient in (102, 103, 102):
        body = {"recipient": recipient, "badge": None, "message": "hi"}
        assert HTTP.post(url, json=body, headers=headers).status_code == 201
    today = geese.recognitions[0]["created"][:10]

    def listed(**params: Any) -> httpx.Response:
        return HTTP.get(url, params=params, headers=headers)

    assert _ok(listed(created__date=today))["count"] == 3
    assert _ok(listed(created__date="2001-01-01"))["count"] == 0
    assert listed(created__date="yesterday").status_code == 400
    refused = listed(recipient=102)
    assert refused.status_code == 400 and "recipient" in refused.json()["detail"]
    geese.page_cap = 2  # DRF's max_limit
    capped = _ok(listed(limit=100))
    assert len(capped["results"]) == 2 and "limit=2" in capped["next"]


def test_geese_badges_page_with_relay_cursors(geese: FakeSevenGeese) -> None:
    geese.badges += [(1000 + n, f"Badge {n}", True) for n in range(146)]  # 150 in all
    headers = _bearer(_geese_tokens(geese)["access_token"])
    query = (
        "query($first: Int!, $after: String) { badges(first: $first, after: $after) "
        "{ edges { node { pk } } pageInfo { hasNextPage endCursor } } }"
    )
    first = _graphql(geese, headers, query, first=100, after=None)["data"]["badges"]
    assert len(first["edges"]) == 100 and first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    rest = _graphql(geese, headers, query, first=100, after=after)["data"]["badges"]
    assert len(rest["edges"]) == 50 and rest["pageInfo"]["hasNextPage"] is False
    pks = [e["node"]["pk"] for e in first["edges"] + rest["edges"]]
    assert len(set(pks)) == 150
    assert _graphql(geese, headers, query, first=1, after="nope")["errors"]


# ---- KazooHR / YouEarnedIt --------------------------------------------------------------

KAZOO_TOKEN: dict[str, tuple[str, dict[str, str], int, str | None]] = {
    "query string": ("params", {}, 200, None),
    "form body": ("data", {}, 400, "invalid_request"),
    "json body": ("json", {}, 400, "invalid_request"),
    "scope other than API": ("params", {"scope": "read"}, 400, "invalid_scope"),
    "wrong secret": ("params", {"client_secret": "nope"}, 401, "invalid_client"),
    "redirect_uri mismatch": ("params", {"redirect_uri": "https://x/cb"}, 400, "invalid_grant"),
}


@pytest.mark.parametrize("case", KAZOO_TOKEN)
def test_kazoo_token_parameters_only_in_the_query_string(kazoo: FakeKazoo, case: str) -> None:
    where, change, status, error = KAZOO_TOKEN[case]
    code = _authorize(kazoo, "/oauth/authorize")["code"][0]
    params = {"grant_type": "authorization_code", "scope": "API", "code": code} | KZ
    params |= {"redirect_uri": kazoo.redirect_uri} | change
    url = f"{kazoo.base_url}/oauth/token"
    if where == "params":
        r = HTTP.post(url, params=params)
    else:
        r = HTTP.post(url, data=params) if where == "data" else HTTP.post(url, json=params)
    assert r.status_code == status and r.json().get("error") == error
    [logged] = [entry for entry in kazoo.requests if entry.path == "/oauth/token"]
    assert ("code=" in logged.query) == (where == "params")
    if status == 200:
        answer = r.json()
        assert (answer["token_type"], answer["expires_in"]) == ("Bearer", 1209600)
        assert isinstance(answer["created_at"], int)
        assert abs(answer["created_at"] - time.time()) < 60
        assert kazoo.grant_counts() == {"authorization_code": 1}


def test_kazoo_refresh_rotates_and_reuse_revokes_the_family(kazoo: FakeKazoo) -> None:
    def refresh(tokens: Body, **client: str) -> httpx.Response:
        query = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        return HTTP.post(f"{kazoo.base_url}/oauth/token", params=query | client)

    def me(tokens: Body) -> int:
        headers = _bearer(tokens["access_token"])
        return HTTP.get(f"{kazoo.base_url}/api/v3/users/me", headers=headers).status_code

    first = _kazoo_tokens(kazoo)
    second = _ok(refresh(first))  # client credentials are optional here
    assert second["refresh_token"] != first["refresh_token"] and me(first) == 200  # lives on
    assert refresh(second, client_id=KZ["client_id"], client_secret="no").status_code == 401
    third = _ok(refresh(second, **KZ))
    replay = refresh(first)
    assert (replay.status_code, replay.json()["error"]) == (400, "invalid_grant")
    assert kazoo.refresh_reuse_detected and kazoo.revoked_families() == 1
    assert (me(first), me(third), refresh(third).status_code) == (401, 401, 400)
    assert kazoo.grant_counts() == {"authorization_code": 1, "refresh_token": 2}


def test_kazoo_users_values_and_paged_shape(kazoo: FakeKazoo) -> None:
    headers = _bearer(_kazoo_tokens(kazoo)["access_token"])

    def get(path: str, **params: Any) -> Body:
        return _ok(HTTP.get(f"{kazoo.base_url}/api/v3/{path}", params=params, headers=headers))

    ana = {"id": 2001, "first_name": "Ana", "last_name": "Lopez", "email": "ana@example.com"}
    ana |= {"title": "Engineer", "department": None}
    ana["avatar_url"] = f"{kazoo.base_url}/avatars/2001.png"
    assert get("users/me") == ana
    assert get("users/2003")["first_name"] == "Carl"
    kazoo.me_has_email = False
    assert "email" not in get("users/me")
    bob = get("users", email="BOB@example.COM")
    assert [bob[k] for k in ("page", "page_size", "page_count", "count")] == [1, 25, 1, 1]
    assert [u["id"] for u in bob["data"]] == [2002] and bob["data"][0]["email"] == "Bob@Example.com"
    page2 = get("users", page=2, page_size=2)
    assert (page2["page_count"], page2["count"], [u["id"] for u in page2["data"]]) == (2, 3, [2003])
    nobody = get("users", email="x@example.com")
    assert (nobody["count"], nobody["page_count"], nobody["data"]) == (0, 0, [])
    values = [v["name"] for v in get("company_values")["data"]]
    assert values == ["Integrity", "Teamwork", "Innovation"]
    bad = HTTP.get(f"{kazoo.base_url}/api/v3/users", params={"page": 0}, headers=headers)
    assert bad.status_code == 400 and bad.json()["errors"]


KAZOO_SEND_ERRORS: dict[str, Body] = {
    "no recipients": {"recipient_ids": [], "message": "x"},
    "unknown recipient": {"recipient_ids": [2002, 9999], "message": "x"},
    "to yourself": {"recipient_ids": [2001], "message": "x"},
    "blank message": {"recipient_ids": [2002], "message": ""},
    "unknown value": {"recipient_ids": [2002], "message": "x", "company_value_id": 99},
}


@pytest.mark.parametrize("case", KAZOO_SEND_ERRORS)
def test_kazoo_send_rejects(kazoo: FakeKazoo, case: str) -> None:
    headers = _bearer(_kazoo_tokens(kazoo)["access_token"])
    url = f"{kazoo.base_url}/api/v3/recognitions"
    r = HTTP.post(url, json=KAZOO_SEND_ERRORS[case], headers=headers)
    assert r.status_code == 422 and r.json()["errors"]
    assert kazoo.recognitions == []


def test_kazoo_recognitions_send_and_list(kazoo: FakeKazoo) -> None:
    headers = _bearer(_kazoo_tokens(kazoo)["access_token"])
    url = f"{kazoo.base_url}/api/v3/recognitions"
    body = {"recipient_ids": [2002, 2003], "message": "Thanks!", "company_value_id": 12}
    created = HTTP.post(url, json=body, headers=headers)
    assert created.status_code == 201
    view = created.json()
    assert {k: view[k] for k in body} == body and view["sender_id"] == 2001
    assert view["url"] == f"{kazoo.base_url}/recognitions/{view['id']}" and view["created_at"]
    later = {"recipient_ids": [2002], "message": "Again", "company_value_id": None}
    assert HTTP.post(url, json=later, headers=headers).status_code == 201
    for user_id, messages in [("2003", ["Thanks!"]), ("2001", ["Again", "Thanks!"]), ("9", [])]:
        page = _ok(HTTP.get(url, params={"user_id": user_id}, headers=headers))
        assert [r["message"] for r in page["data"]] == messages and page["count"] == len(messages)
    sent = [(r["sender"], r["recipients"], r["value"]) for r in kazoo.recognitions]
    assert sent == [("2001", ["2002", "2003"], "12"), ("2001", ["2002"], None)]


def test_kazoo_api_needs_the_json_content_type_and_known_parameters(kazoo: FakeKazoo) -> None:
    """The guide: every API request carries `Content-Type: application/json`."""
    token = _kazoo_tokens(kazoo)["access_token"]
    url = f"{kazoo.base_url}/api/v3"
    bare = HTTP.get(f"{url}/users/me", headers={"Authorization": f"Bearer {token}"})
    assert bare.status_code == 415 and bare.json()["errors"]
    assert HTTP.get(f"{url}/users/me", headers=_bearer(token)).status_code == 200
    unknown = HTTP.get(f"{url}/recognitions", params={"sender_id": 2001}, headers=_bearer(token))
    assert unknown.status_code == 400 and "sender_id" in unknown.json()["errors"][0]
    assert HTTP.get(f"{url}/users/9999", headers=_bearer(token)).status_code == 404


# ---- Culture Amp ------------------------------------------------------------------------


def test_cultureamp_cursor_paging_over_250_employees(cultureamp: FakeCultureAmp) -> None:
    cultureamp.add_person("ana-uuid", "Ana", "Lopez", "ana@example.com")
    cultureamp.add_employees(249, domain="acme.test")
    headers = _bearer(_cultureamp_token(cultureamp))
    pages, path = [], "/v1/employees"
    while path:
        pages.append(_ok(HTTP.get(f"{cultureamp.base_url}{path}", headers=headers)))
        path = pages[-1]["pagination"]["nextPath"] if "pagination" in pages[-1] else ""
    assert [len(p["data"]) for p in pages] == [100, 100, 50]
    assert "pagination" not in pages[-1] and cultureamp.employee_requests() == 3
    key = pages[0]["pagination"]["afterKey"]
    assert pages[0]["pagination"]["nextPath"] == f"/v1/employees?cursor={key}"
    people = [e for p in pages for e in p["data"]]
    assert len({e["id"] for e in people}) == 250 and people[-1]["email"] == "person249@acme.test"
    ana: Body = {"id": "ana-uuid", "email": "ana@example.com", "name": "Ana Lopez"}
    ana |= {"employeeId": "E00001", "status": "active", "startDate": "2021-03-01", "endDate": None}
    assert people[0] == ana | {"processedAt": people[0]["processedAt"]}
    bad = HTTP.get(f"{cultureamp.base_url}/v1/employees?cursor=nope", headers=headers)
    assert bad.status_code == 400 and cultureamp.employee_requests() == 3


def test_cultureamp_end_date_of_someone_who_left(cultureamp: FakeCultureAmp) -> None:
    cultureamp.add_person("gone", "Gus", "Gone", "gus@example.com", left_on="2020-06-30")
    cultureamp.add_person("here", "Hal", "Here", "hal@example.com")
    page = _ok(
        HTTP.get(
            f"{cultureamp.base_url}/v1/employees", headers=_bearer(_cultureamp_token(cultureamp))
        )
    )
    assert [e["endDate"] for e in page["data"]] == ["2020-06-30", None]


def test_cultureamp_page_size_and_missing_permission(cultureamp: FakeCultureAmp) -> None:
    cultureamp.add_employees(3)
    cultureamp.page_size = 2
    url = f"{cultureamp.base_url}/v1/employees"
    page = _ok(HTTP.get(url, headers=_bearer(_cultureamp_token(cultureamp))))
    assert len(page["data"]) == 2 and "pagination" in page
    cultureamp.credential_permissions = {"performance-evaluations-read"}
    token = _cultureamp_token(cultureamp, f"{EMPLOYEES_READ},performance-evaluations-read")
    assert HTTP.get(url, headers=_bearer(token)).status_code == 403
