"""Calls to a platform's API through the shared httpx client, mapped to typed errors."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from bot.errors import ProviderError, ProviderUnauthorized, ProviderUnavailable

log = logging.getLogger(__name__)


class PlatformApi:
    """One platform's base URL over the process-wide client; answers parsed JSON or raises."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, display_name: str) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self.display_name = display_name

    def url(self, path: str) -> str:
        return f"{self._base_url}{path}"

    async def call(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        try:
            response = await self._http.request(method, self.url(path), headers=headers, **kwargs)
        except httpx.TransportError as error:
            log.warning("%s %s failed: %s", method, path, type(error).__name__)
            raise ProviderUnavailable(
                f"{self.display_name} isn't answering right now. Please try again shortly."
            ) from error
        return self._parse(method, path, response)

    def _parse(self, method: str, path: str, response: httpx.Response) -> Any:
        if response.status_code == 401:
            raise ProviderUnauthorized(f"{self.display_name} no longer accepts your link.")
        if response.status_code >= 400:
            log.warning("%s %s answered %s", method, path, response.status_code)
            raise ProviderError(
                f"{self.display_name} refused the request ({response.status_code}). "
                "Nothing was sent; please try again later."
            )
        try:
            return response.json()
        except ValueError as error:
            log.warning("%s %s answered a body that is not JSON", method, path)
            raise ProviderError(f"{self.display_name} sent an answer we couldn't read.") from error
