"""Slash-command text → typed requests (handlers/parse.py)."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInput
from bot.recognition.rules import MAX_RECIPIENTS
from handlers.parse import KudosCommand, parse_kudos, parse_recognize
from handlers.words import said

RECOGNIZE = [
    # text, recipients, hashtags, message
    ("<@U123|bob> great demo", ["U123"], [], "great demo"),
    ("<@U123> great demo", ["U123"], [], "great demo"),
    ("<@U1|ana> <@U2|bob> <@U1|ana> shipped it", ["U1", "U2"], [], "shipped it"),
    ("<@U2> <@U1> and <@U2> thanks", ["U2", "U1"], [], "thanks"),
    ("<@U1>, <@U2> &amp; <@U3> nice", ["U1", "U2", "U3"], [], "nice"),
    ("<@U1> paired with <@W2|carl> all week", ["U1", "W2"], [], "paired with <@W2> all week"),
    ("<@U1> smooth release #teamwork", ["U1"], ["teamwork"], "smooth release #teamwork"),
    ("<@U1> #grit and #team-work", ["U1"], ["grit", "team-work"], "#grit and #team-work"),
    ("<@U1> great work <#C123|teamwork>", ["U1"], ["teamwork"], "great work #teamwork"),
    ("<@U1> <!here> look at this", ["U1"], [], "@here look at this"),
    ("<@U1> helped <!subteam^S1|@devs> a lot", ["U1"], [], "helped @devs a lot"),
    ("<@U1> wrote <https://x.y|the docs>", ["U1"], [], "wrote the docs"),
    ("<@U1> see <https://x.y/a#frag>", ["U1"], [], "see https://x.y/a#frag"),
    ("<@U1> merci 🎉 #équipe", ["U1"], ["équipe"], "merci 🎉 #équipe"),
    ("<@U1> R&amp;D &lt;3 &gt; all", ["U1"], [], "R&amp;D &lt;3 &gt; all"),
    ("<@U1> it&#39;s great", ["U1"], [], "it&#39;s great"),
    ("  <@U1>   thanks  ", ["U1"], [], "thanks"),
    pytest.param(
        "<@U1> andrew did great",
        ["U1"],
        [],
        "andrew did great",
    ),
    pytest.param(
        "<@U1> android release",
        ["U1"],
        [],
        "android release",
    ),
]


@pytest.mark.parametrize(("text", "recipients", "hashtags", "message"), RECOGNIZE)
def test_parse_recognize(
    text: str, recipients: list[str], hashtags: list[str], message: str
) -> None:
    request = parse_recognize(text)
    assert (request.recipient_ids, request.hashtags, request.message) == (
        recipients,
        hashtags,
        message,
    )


def _mentions(count: int) -> str:
    return " ".join(f"<@U{index:03d}>" for index in range(count))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Pick at least one teammate"),
        ("great work", "Pick at least one teammate"),
        ("<!here> great work", "Pick at least one teammate"),
        ("<#C1|general> great work", "Pick at least one teammate"),
        ("<!subteam^S1|@devs> great work", "Pick at least one teammate"),
        (f"{_mentions(MAX_RECIPIENTS + 1)} thanks", f"up to {MAX_RECIPIENTS}"),
    ],
)
def test_parse_recognize_rejects(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_recognize(text)
    assert says in said(raised.value)


def test_parse_recognize_accepts_the_maximum() -> None:
    request = parse_recognize(f"{_mentions(MAX_RECIPIENTS)} thanks all")
    assert len(request.recipient_ids) == MAX_RECIPIENTS
    assert request.message == "thanks all"


def test_repeated_mentions_count_once_towards_the_limit() -> None:
    text = " ".join(["<@U1>"] * (MAX_RECIPIENTS + 5)) + " thanks"
    assert parse_recognize(text).recipient_ids == ["U1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", KudosCommand("help")),
        ("   ", KudosCommand("help")),
        ("link", KudosCommand("link")),
        ("LINK Achievers", KudosCommand("link", "achievers")),
        ("  Status  ", KudosCommand("status")),
        ("unlink   achievers ", KudosCommand("unlink", "achievers")),
        ("link Culture Amp", KudosCommand("link", "cultureamp")),
        ("Help me", KudosCommand("help", "me")),
        ("frobnicate", KudosCommand("help")),
        ("dance party now", KudosCommand("help")),
        ("whois <@U1|ana>", KudosCommand("whois", None, "U1")),
        ("whois <@U1> 7Geese", KudosCommand("whois", "7geese", "U1")),
        ("WHOIS", KudosCommand("whois")),
    ],
)
def test_parse_kudos(text: str, expected: KudosCommand) -> None:
    assert parse_kudos(text) == expected
