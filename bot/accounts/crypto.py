"""Token encryption: MultiFernet with the owner sealed inside the ciphertext."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.errors import ConfigError, TokenUnreadable
from bot.models import Owner


def parse_keys(raw: str) -> list[Fernet]:
    """Comma-separated Fernet keys, newest first."""
    keys = [part.strip() for part in raw.split(",") if part.strip()]
    if not keys:
        raise ConfigError("TOKEN_ENCRYPTION_KEYS holds no key.")
    try:
        return [Fernet(key) for key in keys]
    except ValueError as error:
        raise ConfigError(
            "TOKEN_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64 bytes each)."
        ) from error


class TokenCipher:
    """Encrypts with the newest key, decrypts with any; refuses records sealed for others."""

    def __init__(self, keys: Sequence[Fernet]) -> None:
        self._fernet = MultiFernet(list(keys))

    @classmethod
    def ephemeral(cls) -> TokenCipher:
        """A cipher with a key that lives as long as the process (embedded store only)."""
        return cls([Fernet(Fernet.generate_key())])

    def seal(self, owner: Owner, data: dict[str, Any]) -> bytes:
        plaintext = json.dumps({"owner": owner.key, "data": data}, separators=(",", ":"))
        return self._fernet.encrypt(plaintext.encode())

    def open(self, owner: Owner, blob: bytes) -> dict[str, Any]:
        try:
            sealed = json.loads(self._fernet.decrypt(blob))
        except (InvalidToken, ValueError) as error:
            raise TokenUnreadable(owner.provider, "link_unreadable") from error
        if not isinstance(sealed, dict) or sealed.get("owner") != owner.key:
            raise TokenUnreadable(owner.provider, "link_unreadable")
        data = sealed.get("data")
        if not isinstance(data, dict):
            raise TokenUnreadable(owner.provider, "link_unreadable")
        return data

    def opens(self, blob: bytes) -> bool:
        """Whether any configured key decrypts `blob` (for `doctor`: nothing is read out)."""
        try:
            self._fernet.decrypt(blob)
        except InvalidToken:
            return False
        return True

    def rotate(self, blob: bytes) -> bytes:
        """Re-encrypt under the newest key (for `rotate-keys`); the owner stays sealed inside."""
        try:
            return self._fernet.rotate(blob)
        except InvalidToken as error:
            raise TokenUnreadable("", "app_token_unreadable") from error
