"""Each platform's token endpoint, and the bot's own routes at PUBLIC_URL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

import httpx

from bot.accounts import oauth
from bot.doctor.result import Check, NotChecked, Result, failed, passed
from bot.errors import ProviderError, ProviderUnavailable
from bot.platforms.registry import Platform, Registry
from bot.platforms.spec import Grant
from bot.services import Services

PROBE_TIMEOUT = 4.0  # one HTTP request; each check as a whole has the runner's limit
NOT_HERE = (404, 405)  # a route that is not there (a wrong BASE_URL or a proxy's default site)
UNSIGNED_STATUS, UNSIGNED_ANSWER = 401, "invalid request"  # bot/app.py's to an unsigned request


async def _issues_token(http: httpx.AsyncClient, platform: Platform) -> Result:
    """Client credentials: the platform mints an app-level token (kept nowhere)."""
    prefix = platform.spec.name.upper()
    try:
        await oauth.client_credentials(http, platform.spec, platform.client)
    except ProviderUnavailable:
        return failed("no answer from its token endpoint", f"check {prefix}__BASE_URL")
    except ProviderError:
        return failed(
            "refused the client credentials",
            f"check {prefix}__CLIENT_ID and {prefix}__CLIENT_SECRET, and that the credential "
            "may have the scope the bot asks for",
        )
    return passed("issued an app-level token with the configured credentials")


async def _answers(http: httpx.AsyncClient, platform: Platform) -> Result:
    """Per-user sign-in: the token endpoint is there (a 4xx to a request without credentials)."""
    prefix, url = platform.spec.name.upper(), oauth.token_url(platform.spec, platform.client)
    where = httpx.URL(url).host
    try:
        response = await http.post(url, data={}, timeout=PROBE_TIMEOUT)
    except httpx.HTTPError:
        return failed(f"no answer from {where}", f"check {prefix}__BASE_URL and outbound HTTPS")
    status = response.status_code
    if status in NOT_HERE or status >= 500:
        fix = f"check {prefix}__BASE_URL" if status < 500 else "try again later"
        return failed(f"its token endpoint at {where} answered {status}", fix)
    return passed(f"its token endpoint at {where} answers ({status} without credentials)")


PROBES: dict[Grant, Callable[[httpx.AsyncClient, Platform], Awaitable[Result]]] = {
    "client_credentials": _issues_token,
    "authorization_code": _answers,
}


async def token_endpoint(name: str, services: Services) -> Result:
    platform = services.registry.get(name)
    return await PROBES[platform.spec.grant](services.http, platform)


def platform_checks(registry: Registry) -> list[Check]:
    """One check per enabled platform."""
    return [
        Check(registry.get(name).spec.display_name, partial(token_endpoint, name))
        for name in registry.names()
    ]


async def _get(services: Services, path: str, method: str = "GET") -> httpx.Response | None:
    """Ask a route of the bot at PUBLIC_URL; None when nothing answers."""
    url = f"{services.settings.public_url.rstrip('/')}{path}"
    try:
        return await services.http.request(method, url, timeout=PROBE_TIMEOUT)
    except httpx.HTTPError:
        return None


async def routes(services: Services) -> Result:
    """/healthz answers, and /readyz says the bot serving there reaches Redis."""
    health = await _get(services, "/healthz")
    if health is None:
        return failed(
            "no answer: is the bot running there?",
            "start it (python -m bot) and make PUBLIC_URL reach it (DNS, TLS, proxy)",
        )
    if health.status_code != 200:
        return failed(f"/healthz answered {health.status_code}", "route PUBLIC_URL to the bot")
    ready = await _get(services, "/readyz")
    if ready is None or ready.status_code != 200:
        answer = "no answer" if ready is None else f"{ready.status_code}"
        return failed(
            f"/readyz answered {answer}: the bot there does not reach Redis",
            "check its REDIS_URL (or REDIS_SENTINELS) and that Redis runs",
        )
    return passed("/healthz and /readyz answer 200")


async def callback(services: Services) -> Result:
    """The OAuth callback of the first platform people link to answers a page."""
    linked = [
        name for name in services.registry.names() if services.registry.get(name).spec.per_user
    ]
    if not linked:
        raise NotChecked("not checked: no enabled platform has personal links")
    path = f"/oauth/{linked[0]}/callback"
    page = await _get(services, path)
    if page is None:
        raise NotChecked("not checked: PUBLIC_URL does not answer")
    if page.status_code in NOT_HERE or page.status_code >= 500:
        return failed(f"{path} answered {page.status_code}", "route PUBLIC_URL to the bot")
    if not page.headers.get("content-type", "").startswith("text/html"):
        return failed(f"{path} answered something else than a page", "route PUBLIC_URL to the bot")
    return passed(f"{path} answers a page")


async def slack_events(services: Services) -> Result:
    """An unsigned POST to /slack/events gets the bot's own refusal: Slack's requests reach it
    (a proxy that answers POSTs itself, or drops them, would pass /healthz all the same)."""
    answer = await _get(services, "/slack/events", method="POST")
    if answer is None:
        raise NotChecked("not checked: PUBLIC_URL does not answer")
    if answer.status_code == UNSIGNED_STATUS and answer.text == UNSIGNED_ANSWER:
        return passed("POST /slack/events reaches the bot (it refused an unsigned one)")
    return failed(
        f"an unsigned POST /slack/events answered {answer.status_code}, not the bot's own "
        f'{UNSIGNED_STATUS} "{UNSIGNED_ANSWER}"',
        "route POST /slack/events at PUBLIC_URL to the bot, its body and X-Slack-* headers "
        "unchanged",
    )


CHECKS = (
    Check("PUBLIC_URL", routes),
    Check("Slack events", slack_events),
    Check("OAuth callback", callback),
)
