"""Each request's Slack client, as Bolt's `AsyncApp._init_context` builds it, but copied.

Bolt builds a new `AsyncWebClient` for every request (a listener may change its token), and
each build reads the four proxy variables from the environment and makes the user agent again:
a fifteenth of a `/kudos status` request's CPU (README, Performance). A copy of one client built
at start, exactly as Bolt builds it, gives each request the same values and its own mutable
parts (`default_params` with the team, the retry handlers' list; Bolt shares the headers)."""

from __future__ import annotations

import copy

from slack_sdk.web.async_client import AsyncWebClient


class RequestClients:
    """Makes the per-request client of an app whose own client is `app_client`."""

    def __init__(self, app_client: AsyncWebClient, token: str | None) -> None:
        self._prototype = bolt_s_request_client(app_client, token, team_id=None)

    def for_team(self, team_id: str | None) -> AsyncWebClient:
        client = copy.copy(self._prototype)
        client.default_params = {} if team_id is None else {"team_id": team_id}
        client.retry_handlers = self._prototype.retry_handlers.copy()
        return client


def bolt_s_request_client(
    app: AsyncWebClient, token: str | None, team_id: str | None
) -> AsyncWebClient:
    """What Bolt 1.30's `_init_context` builds for a request (its code, line for line)."""
    handlers = app.retry_handlers.copy() if app.retry_handlers is not None else None
    return AsyncWebClient(
        token=token,  # None with an installation store: authorization sets it later
        base_url=app.base_url,
        timeout=app.timeout,
        ssl=app.ssl,
        proxy=app.proxy,
        session=app.session,
        trust_env_in_session=app.trust_env_in_session,
        headers=app.headers,
        team_id=team_id,
        logger=app.logger,
        retry_handlers=handlers,
    )
