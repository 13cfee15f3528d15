"""What every platform is: a frozen spec (data) and an adapter to the bot's models."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.models import Person, Sent, Value
from bot.paging import PagingStyle

TokenEncoding = Literal["json", "form", "query"]
ClientAuth = Literal["client_secret_post", "client_secret_basic"]
ExpiryStyle = Literal["seconds", "seconds_or_epoch", "created_at"]


@dataclass(frozen=True)
class ProviderSpec:
    """Everything that differs between platforms' OAuth and paging, as data."""

    name: str
    display_name: str
    authorize_path: str
    token_path: str
    default_scope: str
    token_encoding: TokenEncoding
    client_auth: ClientAuth
    expiry: ExpiryStyle
    paging: PagingStyle
    scope_separator: str = " "
    send_redirect_uri: bool = True
    pkce: bool = False
    refresh_margin: float = 300.0
    value_required: bool = False
    value_label: str = "value"


class Provider(Protocol):
    """A platform adapter; every method takes the user's access token."""

    spec: ProviderSpec

    async def whoami(self, token: str) -> Person: ...

    async def find_by_email(self, token: str, email: str) -> Person | None: ...

    async def list_values(self, token: str) -> list[Value]: ...

    async def send(
        self, token: str, recipients: Sequence[str], message: str, value: Value | None
    ) -> Sent: ...
