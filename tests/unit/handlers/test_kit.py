"""Block Kit primitives (handlers/kit.py) and what happens when Slack refuses an answer anyway:
the Slack fake refuses as Slack does, and the bot then says the gist in plain text."""

from __future__ import annotations

import json

import pytest
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.intents import Draft
from bot.models import Person, Recognition, Sent, Value
from bot.platforms.providers import achievers
from handlers import blocks, kit, lookup_blocks
from handlers.errors import NOT_SHOWN, direct_message, reply
from handlers.kudos import help_text
from handlers.parse import announce_channel
from testkit.bot_env import BOT_TOKEN
from testkit.fakes.slack import FakeSlack

SPEC = achievers.SPEC
LONG_VALUES = [
    Value(id=f"v{n}", name=f"Criterion {n}", description="Working together & " + "w" * 102)
    for n in range(30)
]
HOSTILE_URLS = [
    "https://x.example/a|<!channel>",
    "https://x.example/a><!channel>",
    "https://x.example/a b<@U1>",
    "javascript:alert(1)",
    "mailto:ana@example.com",
    "//x.example/no-scheme",
    "https://",
    "http://[::1",
    "https://x.example/" + "a" * 3000,
]


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("ab &amp; cd", 6, "ab…"),  # never "ab &a…"
        ("see <https://x.example/a|the link> now", 20, "see…"),
        ("hi <@U123456> there", 10, "hi…"),
        ("&lt;&gt;&amp;", 9, "&lt;&gt;…"),
    ],
)
def test_fit_never_cuts_inside_an_entity_or_a_link(text: str, limit: int, expected: str) -> None:
    assert kit.fit(text, limit) == expected
    assert len(kit.fit(text, limit)) <= limit


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_only_plain_http_links_are_made(url: str) -> None:
    shown = kit.link(url, "View")
    assert "<!channel>" not in shown and "<@U1>" not in shown
    assert shown == "View" or (shown.startswith("<https://x.example/a") and shown.count("|") == 1)
    assert shown.count("<") == shown.count(">") <= 1


def test_a_safe_url_keeps_its_query_escaped_for_mrkdwn() -> None:
    assert kit.link("https://x.example/a?b=1&c=2", "<View>") == (
        "<https://x.example/a?b=1&amp;c=2|&lt;View&gt;>"
    )


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_platform_urls_in_builders_inject_nothing(url: str) -> None:
    person = Person(id="1", name="Ana", profile_url=url, image_url=url)
    item = Recognition(id="1", giver="Bob", message="hi", url=url)
    shown = json.dumps(
        [
            lookup_blocks.person_card(SPEC, person),
            lookup_blocks.recognition_item(item),
            blocks.recipient_dm(draft_for_dm(), Sent(url=url), SPEC),
        ]
    )
    assert "<!channel>" not in shown and "<@U1>" not in shown and "javascript:" not in shown
    assert "image_url" not in shown or '"image_url": "https://x.example/a' in shown


def draft_for_dm() -> Draft:
    return Draft.model_validate(
        {"id": "d1", "team_id": "T1", "user_id": "UANA", "provider": "achievers"}
        | {"channel_id": "C1", "recipients": [], "message": "thanks"}
    )


def test_person_card_shows_title_department_profile_and_picture() -> None:
    person = Person(
        id="1001",
        name="Ana <Lopez>",
        email="ana@example.com",
        title="Staff Engineer",
        department="R&D",
        profile_url="https://example.achievers.com/profile/1001",
        image_url="https://example.achievers.com/images/1001.png",
    )
    card, source = lookup_blocks.person_card(SPEC, person)
    assert card["text"]["text"].split("\n") == [
        "*Ana &lt;Lopez&gt;*",
        "Staff Engineer, R&amp;D",
        "ana@example.com",
        "<https://example.achievers.com/profile/1001|Profile on Achievers>",
    ]
    assert card["accessory"] == {
        "type": "image",
        "image_url": "https://example.achievers.com/images/1001.png",
        "alt_text": "Ana <Lopez>",
    }
    assert source["elements"][0]["text"] == "From Achievers"


def test_person_card_without_extras_is_just_the_name() -> None:
    [card, _] = lookup_blocks.person_card(SPEC, Person(id="1", name="Ana"))
    assert card["text"]["text"] == "*Ana*" and "accessory" not in card


@pytest.mark.parametrize(
    ("channel_id", "name", "expected"),
    [
        ("C1", "general", "C1"),
        ("D024BE91L", "directmessage", ""),
        ("G0123", "mpdm-ana--bob-1", ""),
        ("C0456", "mpdm-ana--bob--carl-1", ""),
        ("G0789", "privategroup", "G0789"),  # an old private channel: the bot can be invited
        ("D024BE91L", "", ""),
        ("G0123", "", ""),
        ("", "", ""),
        ("<!here>" * 400, "general", ""),  # not a channel id: nowhere to announce
        ("C1\n", "general", ""),
    ],
)
def test_no_announcement_in_a_dm(channel_id: str, name: str, expected: str) -> None:
    assert announce_channel(channel_id, name) == expected


def test_help_names_every_command_the_form_and_the_shortcuts() -> None:
    shown = help_text(["achievers", "sevengeese"])
    for part in (
        "`/recognize` alone",
        "*Give recognition* shortcut",
        "*Recognize for message*",
        "`/kudos recent [@ana] [platform]`, e.g. `/kudos recent @ana sevengeese`",
        "`/kudos values [platform]`, e.g. `/kudos values sevengeese`",
        "`/kudos whois @ana [platform]`",
        "`/kudos link [platform]`",
        "`/kudos unlink [platform]`",
        "`/kudos status`",
        "`/kudos help`",
        "the default (achievers)",
    ):
        assert part in shown


async def test_the_fake_refuses_blocks_slack_would(fake_slack: FakeSlack) -> None:
    too_long = [kit.Block(type="section", text={"type": "mrkdwn", "text": "x" * 3001})]
    respond = AsyncRespond(response_url=fake_slack.response_url("k"))
    answer = await respond(text="hi", blocks=too_long)
    assert (answer.status_code, answer.body) == (400, "invalid_blocks")
    client = AsyncWebClient(token=BOT_TOKEN, base_url=f"{fake_slack.base_url}/api/")
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="U_ANA", text="hi", blocks=too_long)
    assert refused.value.response["error"] == "invalid_blocks" and fake_slack.responses("k") == []
    with pytest.raises(SlackApiError) as too_much:
        await client.chat_postMessage(channel="U_ANA", text="x" * 40_001)
    assert too_much.value.response["error"] == "msg_too_long"


async def test_a_huge_values_answer_is_accepted_whole(fake_slack: FakeSlack) -> None:
    respond = AsyncRespond(response_url=fake_slack.response_url("values"))
    assert await reply(respond, "Criteria on Achievers", lookup_blocks.values(SPEC, LONG_VALUES))
    [posted] = fake_slack.responses("values")
    listed = json.dumps(posted["blocks"])
    assert all(f"*Criterion {n}*" in listed for n in range(30)) and not fake_slack.refused()


async def test_a_refused_reply_becomes_plain_text(fake_slack: FakeSlack) -> None:
    empty = [kit.Block(type="section", text={"type": "mrkdwn", "text": ""})]  # Slack says no
    respond = AsyncRespond(response_url=fake_slack.response_url("k"))
    assert await reply(respond, "Recent recognitions", empty, replace_original=True)
    [plain] = fake_slack.responses("k")
    assert plain == {"text": f"Recent recognitions\n{NOT_SHOWN}", "replace_original": True}
    assert [key for key, _ in fake_slack.refused()] == ["k"]


async def test_a_refused_dm_becomes_plain_text(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=f"{fake_slack.base_url}/api/")
    header = kit.Block(type="header", text={"type": "plain_text", "text": "h" * 151})
    await direct_message(client, "U_ANA", "Recognition sent", [header])
    first, second = fake_slack.calls("chat.postMessage")
    assert first["blocks"] == [header] and "blocks" not in second
    assert second["text"] == f"Recognition sent\n{NOT_SHOWN}"
