"""Block Kit builders (handlers/blocks.py): pure data in, JSON-ready dicts out."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from bot.intents import Draft, Recipient
from bot.models import Link, Person, Sent, TokenSet, Value
from bot.platforms.providers.achievers import SPEC
from bot.recognition.drafts import final_message
from handlers import blocks, kit, lookup_blocks
from handlers.parse import parse_recognize

Blocks = list[dict[str, Any]]
TEAMWORK = Value(id="v1", name="Teamwork")
CHOICES = [TEAMWORK, Value(id="v2", name="Customer Focus"), Value(id="v3", name="L" * 200)]
OPTIONAL = replace(SPEC, value_required=False)
EVIL = "<!channel> & <@U999> <https://evil.example|click>"


def draft(**changes: Any) -> Draft:
    fields: dict[str, Any] = {
        "id": "d-42",
        "team_id": "T1",
        "user_id": "UANA",
        "provider": "achievers",
        "channel_id": "C1",
        "recipients": [
            Recipient(slack_id="U1", name="Bob", person_id="1002"),
            Recipient(slack_id="U2", name="Carl", person_id="1003"),
        ],
        "message": "for the smooth release",
        "value": TEAMWORK,
        "choices": CHOICES,
    }
    return Draft(**(fields | changes))


def elements(built: Blocks) -> Iterator[dict[str, Any]]:
    for block in built:
        yield from block.get("elements", [])


def controls(built: Blocks) -> list[str]:
    """The preview's own controls (the draft's actions block, not the announce toggle)."""
    (actions,) = [b for b in built if str(b.get("block_id", "")).startswith("draft:")]
    return [element["action_id"] for element in actions["elements"]]


@pytest.mark.parametrize("announce", [True, False])
def test_preview_has_an_announce_toggle_that_remembers(announce: bool) -> None:
    built = blocks.preview(draft(announce=announce), SPEC)
    (toggle,) = [b for b in built if b.get("block_id") == "announce:d-42"]
    (checkbox,) = toggle["elements"]
    assert checkbox["action_id"] == kit.ANNOUNCE
    assert bool(checkbox.get("initial_options")) is announce


def texts(built: Blocks) -> str:
    return json.dumps(built, ensure_ascii=False)


@pytest.mark.parametrize(
    ("value", "spec_required", "choices", "expected"),
    [
        (TEAMWORK, True, CHOICES, [kit.SEND, kit.CANCEL]),
        (None, True, CHOICES, [kit.CHOOSE_VALUE, kit.CANCEL]),
        (None, False, CHOICES, [kit.CHOOSE_VALUE, kit.SEND, kit.CANCEL]),
        (None, False, [], [kit.SEND, kit.CANCEL]),
        (None, True, [], [kit.CANCEL]),
    ],
)
def test_preview_controls(
    value: Value | None, spec_required: bool, choices: list[Value], expected: list[str]
) -> None:
    spec = SPEC if spec_required else OPTIONAL
    built = blocks.preview(draft(value=value, choices=choices), spec)
    assert controls(built) == expected
    for element in elements(built):
        if element["type"] == "button":
            assert element["value"] == "d-42"
    assert any(block.get("block_id") == "draft:d-42" for block in built)


def test_preview_with_value_names_it() -> None:
    built = blocks.preview(draft(), SPEC)
    assert "*Criterion:* Teamwork" in texts(built)
    assert ">for the smooth release" in texts(built)


def test_value_picker_offers_every_choice() -> None:
    built = blocks.preview(draft(value=None), SPEC)
    (picker,) = [e for e in elements(built) if e["type"] == "static_select"]
    assert [option["value"] for option in picker["options"]] == ["v1", "v2", "v3"]
    assert [option["text"]["text"] for option in picker["options"]][:2] == [
        "Teamwork",
        "Customer Focus",
    ]
    assert "criterion" in picker["placeholder"]["text"]


def test_unknown_value_note() -> None:
    built = blocks.preview(draft(value=None, unknown_value="teamwrk"), SPEC)
    assert "There's no criterion called *#teamwrk*" in texts(built)


SENT = Sent(id="r1", url="https://example.achievers.com/event/9")
BUILDERS: dict[str, Callable[[Draft], Blocks]] = {
    "preview": lambda d: blocks.preview(d, SPEC),
    "preview_picker": lambda d: blocks.preview(d.model_copy(update={"value": None}), SPEC),
    "confirmation": lambda d: blocks.confirmation(d, SENT, SPEC),
    "announcement": lambda d: blocks.announcement(d, SENT, SPEC),
    "link_prompt": lambda d: blocks.link_prompt("https://x.example/start?s=1", SPEC, d.message),
}


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_user_text_is_escaped(build: Callable[[Draft], Blocks]) -> None:
    evil_value = Value(id="v9", name="<!everyone>")
    rendered = texts(build(draft(message=EVIL, value=evil_value, unknown_value="<!here>")))
    for live in ("<!channel>", "<!everyone>", "<!here>", "<@U999>", "<https://evil"):
        assert live not in rendered
    assert "&lt;!channel&gt; &amp; &lt;@U999&gt;" in rendered


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_blocks_are_valid_block_kit(build: Callable[[Draft], Blocks]) -> None:
    built = build(draft(message="m" * 2000))
    assert json.loads(json.dumps(built)) == built
    for element in elements(built):
        if element["type"] == "button":
            assert 0 < len(element["text"]["text"]) <= 75
        for option in element.get("options", []):
            assert len(option["text"]["text"]) <= 75
    for block in built:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000


@pytest.mark.parametrize(
    ("url", "expected"),
    [(SENT.url, "<https://example.achievers.com/event/9|View it on Achievers>"), (None, None)],
)
def test_confirmation_links_the_recognition(url: str | None, expected: str | None) -> None:
    rendered = texts(blocks.confirmation(draft(), Sent(url=url), SPEC))
    assert "<@U1>, <@U2>" in rendered
    if expected is None:
        assert "<http" not in rendered
    else:
        assert expected in rendered


def test_announcement_names_sender_recipients_and_value() -> None:
    rendered = texts(blocks.announcement(draft(), SENT, SPEC))
    assert ":tada: <@UANA> recognized <@U1>, <@U2> for *Teamwork*" in rendered
    assert f"<{SENT.url}|See it on Achievers>" in rendered
    assert blocks.announcement_text(draft()) == "<@UANA> recognized <@U1>, <@U2>"


def test_link_prompt_button_opens_the_url() -> None:
    url = "https://bot.example/oauth/achievers/start?s=abc"
    built = blocks.link_prompt(url, SPEC, "You haven't linked <yet>.")
    (button,) = [e for e in elements(built) if e["type"] == "button"]
    assert (button["action_id"], button["url"]) == (kit.OPEN_LINK, url)
    assert "Link Achievers" in button["text"]["text"]
    assert "You haven't linked &lt;yet&gt;." in texts(built)


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (None, "not linked. Run `/kudos link achievers`"),
        (
            Link(
                account=Person(id="1", name="Ana <A>", email="ana@example.com"),
                token=TokenSet(access_token="secret-token"),
            ),
            "linked as Ana &lt;A&gt; (ana@example.com)",
        ),
        (
            Link(
                account=Person(id="1", name="Ana <A>", email="ana@example.com"),
                token=TokenSet(access_token="secret-token", expires_at=1.0),
            ),
            "your link as Ana &lt;A&gt; has expired",
        ),
        (  # expired, but a refresh token renews it on next use: still linked
            Link(
                account=Person(id="1", name="Ana", email="ana@example.com"),
                token=TokenSet(access_token="secret-token", refresh_token="r", expires_at=1.0),
            ),
            "linked as Ana (ana@example.com)",
        ),
    ],
)
def test_status_line(link: Link | None, expected: str) -> None:
    line = lookup_blocks.status_line(SPEC, link)
    assert expected in line
    assert "secret-token" not in line


def test_preview_shows_slack_entities_once() -> None:
    """What the user typed as `R&D <3` reaches the preview as `R&D <3`, not `R&amp;D &lt;3`."""
    request = parse_recognize("<@U1> for R&amp;D &lt;3")
    message = final_message(request.message, {"U1": "Bob"}, None)
    rendered = texts(blocks.preview(draft(message=message), SPEC))
    assert ">for R&amp;D &lt;3" in rendered


def test_preview_in_a_dm_offers_no_announcement() -> None:
    built = blocks.preview(draft(channel_id=""), SPEC)
    assert not [b for b in built if str(b.get("block_id", "")).startswith("announce:")]
    assert kit.ANNOUNCE not in texts(built)


def test_linked_then_puts_the_note_above_the_answer_escaped() -> None:
    preview = blocks.preview(draft(), SPEC)
    text, shown = blocks.linked_then(f"You're linked as {EVIL}.", "Preview", preview)
    assert text == "Preview" and shown[1:] == preview
    assert shown[0]["type"] == "context" and "<!channel>" not in json.dumps(shown[0])
    text, shown = blocks.linked_then("linked", "*Achievers*: 3 criteria", None)
    assert shown[1] == kit.section("*Achievers*: 3 criteria")


def test_status_offers_a_link_button_only_where_a_sign_in_is_given() -> None:
    lapsed = Link(
        account=Person(id="1", name="Ana", email="ana@example.com"),
        token=TokenSet(access_token="secret-token", expires_at=1.0),
    )
    url = "https://example.sandbox.achievers.com/authorize?state=s1"
    shown = lookup_blocks.status([(SPEC, lapsed, url), (OPTIONAL, None, None)])
    assert [block["type"] for block in shown] == ["section", "actions", "section"]
    [button] = shown[1]["elements"]
    assert (button["action_id"], button["url"]) == (kit.OPEN_LINK, url)
    assert "has expired" in shown[0]["text"]["text"] and "secret-token" not in json.dumps(shown)
