"""App Home builders (handlers/home_blocks.py): pure data in, JSON-ready dicts out."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.models import Link, Person, Recognition, TokenSet
from bot.platforms.providers import achievers, cultureamp, sevengeese
from handlers import home_blocks, kit
from handlers.home_blocks import PlatformRow, Received

Blocks = list[dict[str, Any]]
EVIL = "<!channel> & <@U999> <https://evil.example|click>"
ACHIEVERS, GEESE, CULTUREAMP = achievers.SPEC, sevengeese.SPEC, cultureamp.SPEC
URL = "https://example.sandbox.achievers.com/oauth/authorize?state=s1"


def link(name: str = "Ana Lopez", email: str | None = "ana@example.com", **extra: Any) -> Link:
    account = Person(id="1001", name=name, email=email)
    return Link(account=account, token=TokenSet(access_token="secret-access"), **extra)


def recognition(
    rid: str, to: list[str], message: str = "thanks", giver: str = "Bob"
) -> Recognition:
    return Recognition(id=rid, giver=giver, recipient_ids=to, recipients=["Ana"], message=message)


def view(rows: list[PlatformRow], recent: Received | None = None, **kw: Any) -> dict[str, Any]:
    built = home_blocks.home_view(rows, recent or Received("Achievers"), **kw)
    assert json.loads(json.dumps(built)) == built  # what views.publish sends
    return built


def controls(blocks: Blocks) -> list[dict[str, Any]]:
    """Every button on the tab: accessories and actions elements, in order."""
    found = []
    for block in blocks:
        found += [block["accessory"]] if "accessory" in block else []
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
    return found


def shown(blocks: Blocks) -> str:
    return json.dumps(blocks, ensure_ascii=False)


@pytest.mark.parametrize(
    ("spec", "linked", "status", "button"),
    [
        (ACHIEVERS, None, "*Achievers*: not linked", (kit.HOME_LINK, "achievers", "Link")),
        (
            ACHIEVERS,
            link(),
            "*Achievers*: linked as Ana Lopez (ana@example.com)",
            (kit.HOME_UNLINK, "achievers", "Unlink"),
        ),
        (CULTUREAMP, None, "*Culture Amp*: connected for everyone", None),
        (  # no refresh token and past its expiry: only a new sign-in helps
            ACHIEVERS,
            Link(
                account=Person(id="1001", name="Ana Lopez", email="ana@example.com"),
                token=TokenSet(access_token="secret-access", expires_at=1.0),
            ),
            "*Achievers*: your link as Ana Lopez has expired",
            (kit.HOME_LINK, "achievers", "Link"),
        ),
    ],
)
def test_platform_row_shows_link_state_and_one_button(
    spec: Any, linked: Link | None, status: str, button: tuple[str, str, str] | None
) -> None:
    blocks = home_blocks.platform_blocks(PlatformRow(spec, linked))
    assert len(blocks) == 1 and status in blocks[0]["text"]["text"]
    found = [(b["action_id"], b["value"], b["text"]["text"]) for b in controls(blocks)]
    assert found == ([button] if button else [])


def test_pending_link_offers_confirm_and_unlink() -> None:
    """A link waiting for "that's me" can be confirmed on Home with the DM's own action."""
    blocks = home_blocks.platform_blocks(PlatformRow(GEESE, link(email=None, confirmed=False)))
    assert "*7Geese*: waiting for you to confirm" in blocks[0]["text"]["text"]
    found = [(b["action_id"], b["value"], b["text"]["text"]) for b in controls(blocks)]
    assert found == [
        (kit.CONFIRM_LINK, "sevengeese", "Confirm"),
        (kit.HOME_UNLINK, "sevengeese", "Unlink"),
    ]


def test_sign_in_row_offers_the_url_and_says_how_long_it_lasts() -> None:
    blocks = home_blocks.platform_blocks(PlatformRow(ACHIEVERS, None, URL))
    [open_button] = controls(blocks)
    assert open_button["action_id"] == kit.OPEN_LINK and open_button["url"] == URL
    assert open_button["text"]["text"] == "Continue to Achievers sign-in"
    assert "10 minutes" in shown(blocks)
    assert kit.HOME_LINK not in shown(blocks)  # the Link button gave way to the sign-in


def test_app_level_platform_never_gets_a_sign_in() -> None:
    blocks = home_blocks.platform_blocks(PlatformRow(CULTUREAMP, None, URL))
    assert controls(blocks) == [] and URL not in shown(blocks)


def test_home_view_has_give_then_platforms_then_recent() -> None:
    rows = [PlatformRow(ACHIEVERS, link()), PlatformRow(CULTUREAMP)]
    built = view(rows, Received("Achievers", [recognition("1", ["1001"], "for the demo")]))
    assert built["type"] == "home"
    text = shown(built["blocks"])
    order = ["Give recognition", "Achievers*: linked", "Culture Amp*", "for the demo"]
    assert [text.index(part) for part in order] == sorted(text.index(part) for part in order)
    ids = [b["action_id"] for b in controls(built["blocks"])]
    assert ids == [kit.GIVE, kit.HOME_UNLINK]
    assert "Recognitions you received on Achievers" in text


@pytest.mark.parametrize(
    ("recent", "expected", "absent"),
    [
        (Received("Achievers", problem="Link your Achievers account first."), "Link your", "None"),
        (Received("Achievers"), "None yet", "/kudos recent"),
        (Received("Achievers", [recognition("1", [], "great demo")]), "great demo", "None yet"),
        (Received(None, problem="No platform."), "Recognitions you received", " on "),
    ],
)
def test_received_section(recent: Received, expected: str, absent: str) -> None:
    text = shown(home_blocks.received_blocks(recent))
    assert expected in text and absent not in text


def test_received_shows_at_most_five() -> None:
    items = [recognition(str(n), ["1001"], f"message {n}") for n in range(8)]
    text = shown(home_blocks.received_blocks(Received("Achievers", items)))
    assert "message 4" in text and "message 5" not in text


@pytest.mark.parametrize(
    ("recipients", "expected"),
    [
        ({"a": ["1001"], "b": ["1002"], "c": ["1002", "1001"]}, ["a", "c"]),
        ({"a": [], "b": []}, ["a", "b"]),  # the platform doesn't say who received: show all
        ({"a": ["1002"]}, []),
        ({}, []),
    ],
)
def test_received_keeps_what_the_person_received(
    recipients: dict[str, list[str]], expected: list[str]
) -> None:
    items = [recognition(rid, to) for rid, to in recipients.items()]
    assert [item.id for item in home_blocks.received(items, "1001")] == expected


def test_notice_is_shown_first_and_escaped() -> None:
    built = view([PlatformRow(ACHIEVERS)], notice=f":warning: '{EVIL}' isn't a platform")
    first = built["blocks"][1]["text"]["text"]
    assert first.startswith(":warning: '&lt;!channel&gt; &amp; &lt;@U999&gt;")


def test_no_raw_user_text_anywhere() -> None:
    """Names, messages and problems from platforms or users never reach Slack as markup."""
    rows = [PlatformRow(ACHIEVERS, link(name=EVIL, email=EVIL))]
    items = [recognition("1", ["1001"], message=EVIL, giver=EVIL)]
    text = shown(view(rows, Received("Achievers", items))["blocks"])
    text += shown(home_blocks.received_blocks(Received("Achievers", problem=EVIL)))
    for raw in ("<!channel>", "<@U999>", "<https://evil"):
        assert raw not in text
    assert "&lt;!channel&gt;" in text


def test_no_platforms_says_so() -> None:
    text = shown(view([], Received(None, problem="none"))["blocks"])
    assert "No recognition platform is set up yet" in text
