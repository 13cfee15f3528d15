"""The one table from reason codes to words: every reason is worded for every surface it can
reach, and a delivery's reason is stored as a code (old records holding a sentence still read)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

import pytest
from redis.asyncio import Redis

from bot.errors import Facts, KudosError, OAuthFailure, ProviderUnavailable, Reason
from bot.intents import Failure, Intent
from bot.store import Store, keys
from handlers.words import (
    NOTHING_LINKED,
    PAGE_TITLES,
    WORDS,
    failure_words,
    page_title,
    said,
    words_for,
)
from tests.unit.delivery_kit import a_draft

ROOT = Path(__file__).resolve().parents[3]
SAMPLE: Facts = {
    "name": "Acme",
    "said": "As the rule says.",
    "status": 400,
    "safe": False,
    "wait": 90.0,
    "named": "recognitions:write",
    "configured": "read write",
    "sent": 1,
    "total": 2,
    "got": ["Ana"],
    "refused": ["Bob"],
    "provider": "acme",
    "cause": "scope",
}
OLD_SENTENCE = "Acme refused the request (400). Nothing was sent."


@pytest.mark.parametrize("reason", get_args(Reason))
def test_every_reason_has_words_for_a_message_a_dm_and_a_modal_field(reason: Reason) -> None:
    """One sentence serves the ack, the response_url, a DM and a modal field's error."""
    assert reason in WORDS
    words = said(KudosError(reason, **SAMPLE))
    assert words.strip() and not re.search(r"[{}]", words), words  # every hole filled


def sign_in_reasons() -> set[str]:
    """Every reason an OAuthFailure is raised with in the bot: the callback page can show it."""
    source = "\n".join(path.read_text() for path in (ROOT / "bot").rglob("*.py"))
    return set(re.findall(r'OAuthFailure\("(\w+)"', source))


def test_every_sign_in_failure_has_a_page_title_and_words() -> None:
    found = sign_in_reasons()
    assert {"state_expired", "accounts_differ", "sign_in_away"} <= found
    for reason in found:
        failure = OAuthFailure(reason, name="Acme")  # type: ignore[arg-type]
        title, words = page_title(failure), said(failure)
        assert title and "{" not in title and words and "{" not in words, reason
    assert set(PAGE_TITLES) <= set(WORDS)
    assert page_title(OAuthFailure("sign_in_cancelled", name="Acme")) == NOTHING_LINKED
    assert page_title(OAuthFailure("sign_in_away", name="Acme")) == "Acme isn't available right now"


def test_an_unknown_code_reads_as_the_generic_apology() -> None:
    assert words_for("from_a_newer_version", {}) == said(KudosError())


def test_a_delivery_failure_is_stored_as_a_code_and_facts_never_words() -> None:
    error = ProviderUnavailable("platform_away", may_have_landed=False, name="Acme")
    intent = Intent(id="i1", draft=a_draft(), reason=Failure.of(error))
    stored = json.loads(intent.model_dump_json())["reason"]
    assert stored == {"code": "platform_away", "facts": {"name": "Acme"}}
    words = "Acme isn't answering right now. Please try again shortly."
    assert failure_words(Intent.model_validate_json(intent.model_dump_json()).reason) == words


async def test_an_old_record_holding_a_sentence_still_reads_and_shows_it(
    store: Store, raw: Redis
) -> None:
    record = json.loads(Intent(id="old1", draft=a_draft(), status="failed").model_dump_json())
    record["reason"] = OLD_SENTENCE  # as stored before reason codes
    await raw.set(keys.intent_key("old1"), json.dumps(record))
    loaded = await store.intents.load("old1")
    assert loaded is not None and loaded.status == "failed"
    assert failure_words(loaded.reason) == OLD_SENTENCE
    await store.intents.save(loaded)  # written back: the same words, now as data
    again = await store.intents.load("old1")
    assert again is not None and failure_words(again.reason) == OLD_SENTENCE
