"""7Geese takes one recipient per request: a failure half-way must say what was sent."""

from __future__ import annotations

import pytest

from bot.errors import PartiallySent, ProviderError
from handlers.words import said
from tests.contract.conftest import Wired

pytestmark = pytest.mark.parametrize("case", ["sevengeese"], indirect=True)


@pytest.fixture
def case(request: pytest.FixtureRequest) -> object:
    from tests.contract.cases import CASES

    return next(c for c in CASES if c.name == request.param)


async def test_one_post_per_recipient(wired: Wired) -> None:
    token = (await wired.link()).access_token
    await wired.platform.adapter.send(token, ["1002", "1003"], "thanks", None)
    assert [r["recipients"] for r in wired.fake.recognitions] == [["1002"], ["1003"]]


async def test_a_refusal_after_the_first_recipient_is_a_partial_send(wired: Wired) -> None:
    token = (await wired.link()).access_token
    with pytest.raises(PartiallySent) as raised:
        await wired.platform.adapter.send(token, ["1002", "999999"], "thanks", None)
    assert "Sent to 1 of 2" in said(raised.value)
    assert len(wired.fake.recognitions) == 1


async def test_a_refusal_of_the_first_recipient_sent_nothing(wired: Wired) -> None:
    token = (await wired.link()).access_token
    with pytest.raises(ProviderError):
        await wired.platform.adapter.send(token, ["999999", "1002"], "thanks", None)
    assert wired.fake.recognitions == []
