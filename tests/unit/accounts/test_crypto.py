"""Token encryption (bot/accounts/crypto.py): MultiFernet, newest key first, owner sealed inside."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from cryptography.fernet import Fernet

from bot.accounts.crypto import TokenCipher, parse_keys
from bot.errors import ConfigError, TokenUnreadable
from bot.models import Owner
from handlers.words import said

OWNER = Owner("T1", "U1", "achievers")
DATA = {"access_token": "at-plaintext-123", "refresh_token": "rt-plaintext-456", "n": 1}
OLD, NEW = Fernet.generate_key(), Fernet.generate_key()


def cipher(*keys: bytes) -> TokenCipher:
    return TokenCipher([Fernet(key) for key in keys])


def test_round_trip_hides_the_plaintext() -> None:
    blob = cipher(NEW).seal(OWNER, DATA)
    assert cipher(NEW).open(OWNER, blob) == DATA
    assert b"plaintext" not in blob
    assert b"achievers" not in blob


@pytest.mark.parametrize(
    ("sealer", "opener", "opens"),
    [
        ((OLD,), (NEW, OLD), True),  # old records still open while the old key is listed
        ((NEW, OLD), (NEW,), True),  # new records use the first (newest) key
        ((NEW, OLD), (OLD,), False),
        ((OLD,), (NEW,), False),
    ],
    ids=["old-record-old-key-listed", "new-record-newest-key", "new-record-old-key", "no-key"],
)
def test_newest_key_first(
    sealer: tuple[bytes, ...], opener: tuple[bytes, ...], opens: bool
) -> None:
    blob = cipher(*sealer).seal(OWNER, DATA)
    if opens:
        assert cipher(*opener).open(OWNER, blob) == DATA
    else:
        with pytest.raises(TokenUnreadable):
            cipher(*opener).open(OWNER, blob)


def test_rotate_moves_a_record_to_the_new_key() -> None:
    old_blob = cipher(OLD).seal(OWNER, DATA)
    rotated = cipher(NEW, OLD).rotate(old_blob)
    assert rotated != old_blob
    assert cipher(NEW).open(OWNER, rotated) == DATA
    with pytest.raises(TokenUnreadable):
        cipher(OLD).open(OWNER, rotated)


def _flip(blob: bytes) -> bytes:
    middle = len(blob) // 2
    return (
        blob[:middle] + (b"A" if blob[middle : middle + 1] != b"A" else b"B") + blob[middle + 1 :]
    )


TAMPERINGS: dict[str, Callable[[bytes], bytes]] = {
    "flipped": _flip,
    "truncated": lambda blob: blob[:-10],
    "prefixed": lambda blob: b"gA" + blob,
    "empty": lambda blob: b"",
    "garbage": lambda blob: b"not a fernet token at all",
}


@pytest.mark.parametrize("tamper", TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_tampered_ciphertext_is_unreadable(tamper: Callable[[bytes], bytes]) -> None:
    blob = cipher(NEW).seal(OWNER, DATA)
    with pytest.raises(TokenUnreadable) as raised:
        cipher(NEW).open(OWNER, tamper(blob))
    assert raised.value.provider == "achievers"


@pytest.mark.parametrize(
    "other",
    [Owner("T2", "U1", "achievers"), Owner("T1", "U2", "achievers"), Owner("T1", "U1", "kazoo")],
    ids=["other-team", "other-user", "other-platform"],
)
def test_sealed_for_one_owner_only(other: Owner) -> None:
    blob = cipher(NEW).seal(OWNER, DATA)
    with pytest.raises(TokenUnreadable):
        cipher(NEW).open(other, blob)


@pytest.mark.parametrize(
    "plaintext",
    [
        b"not json",
        b"[1, 2]",
        json.dumps({"owner": OWNER.key, "data": "x"}).encode(),
        json.dumps({"owner": OWNER.key}).encode(),
        json.dumps({"data": DATA}).encode(),
    ],
    ids=["not-json", "a-list", "data-not-an-object", "no-data", "no-owner"],
)
def test_well_encrypted_but_malformed_records_are_unreadable(plaintext: bytes) -> None:
    blob = Fernet(NEW).encrypt(plaintext)
    with pytest.raises(TokenUnreadable):
        cipher(NEW).open(OWNER, blob)


def test_ephemeral_ciphers_do_not_share_keys() -> None:
    blob = TokenCipher.ephemeral().seal(OWNER, DATA)
    with pytest.raises(TokenUnreadable):
        TokenCipher.ephemeral().open(OWNER, blob)


def test_parse_keys_keeps_order() -> None:
    keys = parse_keys(f" {NEW.decode()} , {OLD.decode()},")
    assert len(keys) == 2
    blob = TokenCipher(keys).seal(OWNER, DATA)
    assert cipher(NEW).open(OWNER, blob) == DATA  # the first listed key encrypts


@pytest.mark.parametrize(
    "raw",
    ["", " , ", "not-a-key", f"{NEW.decode()},garbage-key", "é" * 44, NEW.decode()[:-4]],
    ids=["empty", "commas-only", "not-a-key", "one-good-one-bad", "not-base64", "too-short"],
)
def test_parse_keys_rejects_garbage(raw: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_keys(raw)
    assert "TOKEN_ENCRYPTION_KEYS" in said(raised.value)
    for part in filter(None, (piece.strip() for piece in raw.split(","))):
        assert part not in said(raised.value)  # keys are secrets: never echoed
