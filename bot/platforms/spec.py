"""What every platform is: a frozen spec (data) and an adapter to the bot's models."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from bot.models import Person, Recognition, Sent, Value
from bot.platforms.api import PlatformApi
from bot.platforms.fields import created_at
from bot.platforms.paging import NextPage, Paging, fetch_page

Grant = Literal["authorization_code", "client_credentials"]
TokenEncoding = Literal["json", "form", "query"]
ClientAuth = Literal["client_secret_post", "client_secret_basic"]
ExpiryStyle = Literal["seconds", "seconds_or_epoch", "created_at"]


@dataclass(frozen=True)
class RecentPage:
    """A page of recognitions and the platform's own neighbouring pages."""

    items: list[Recognition]
    older: NextPage | None = None
    newer: NextPage | None = None


@dataclass(frozen=True)
class ProviderSpec:
    """Everything that differs between platforms' OAuth, paging and features, as data."""

    name: str
    display_name: str
    token_path: str
    default_scope: str
    token_encoding: TokenEncoding
    client_auth: ClientAuth
    expiry: ExpiryStyle
    paging: Paging
    grant: Grant = "authorization_code"
    authorize_path: str = ""
    default_base_url: str = ""
    scope_separator: str = " "
    scope_in_authorize: bool = True
    scope_in_token: bool = False
    send_redirect_uri: bool = True
    pkce: bool = False
    refresh_margin: float = 300.0
    can_recognize: bool = True
    value_required: bool = False
    value_label: str = "value"
    values_label: str = "values"
    directory: bool = False  # people are looked up in a directory the bot keeps in Redis
    api_headers: tuple[tuple[str, str], ...] = ()  # (name, value) sent on every API call

    @property
    def per_user(self) -> bool:
        """Users link their own accounts (vs. one app-level token for everyone)."""
        return self.grant == "authorization_code"


class Provider(Protocol):
    """A platform adapter; every method takes an access token the bot obtained for it."""

    spec: ProviderSpec

    async def whoami(self, token: str) -> Person: ...

    async def find_by_email(self, token: str, email: str) -> Person | None: ...

    async def list_values(self, token: str) -> list[Value]: ...

    async def send(
        self, token: str, recipients: Sequence[str], message: str, value: Value | None
    ) -> Sent: ...

    async def recent(self, token: str, person_id: str, at: NextPage | None) -> RecentPage:
        """One page of the recognitions `person_id` gave or received, newest first."""
        ...

    async def given(self, token: str, person_id: str, since: float) -> list[Recognition]:
        """The recognitions `person_id` gave that are dated at or after `since` (UNIX time);
        undated ones are left out. Reads back what a POST that may have landed created."""
        ...


def involving(items: list[Recognition], person_id: str) -> list[Recognition]:
    """Keep what `person_id` gave or received, where the platform says who (some don't)."""
    known = [r for r in items if r.giver_id is not None or r.recipient_ids]
    if not known:
        return items
    return [r for r in items if person_id == r.giver_id or person_id in r.recipient_ids]


GIVEN_PAGES = 10  # how far back `given` walks at most, in the platform's pages
GIVEN_PAGE_SIZE = "100"


async def walk_given(
    api: PlatformApi,
    spec: ProviderSpec,
    first: NextPage,
    token: str,
    read: Callable[[Any], Recognition],
    person_id: str,
    since: float,
) -> list[Recognition]:
    """Walk a newest-first listing from `first` until its items are older than `since` (or for
    `GIVEN_PAGES` pages); keep what `person_id` gave, dated at or after `since`."""
    path, where, found = first.path or "", first, []
    for _ in range(GIVEN_PAGES):
        page = await fetch_page(api, spec.paging, path, where, token)
        items = [read(item) for item in page.items]
        found += [r for r in items if r.giver_id == person_id and dated_since(r, since)]
        older = any((created_at(r.created) or since) < since for r in items)
        if older or page.next is None:
            break
        where = page.next
    return found


def dated_since(item: Recognition, since: float) -> bool:
    """Whether the platform dated `item` at or after `since` (an undated item never is)."""
    when = created_at(item.created)
    return when is not None and when >= since
