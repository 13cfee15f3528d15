"""bot/slack/pages.py: the callback page reflects nothing raw."""

from __future__ import annotations

import pytest

from bot.slack.pages import page

HOSTILE = [
    ("<script>alert(1)</script>", "fine", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("Linked", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("Tom & Jerry", "x", "Tom &amp; Jerry"),
    ('"><img src=x onerror=alert(1)>', "x", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
    ("ok", "it's <b>bold</b>", "it&#x27;s &lt;b&gt;bold&lt;/b&gt;"),
]


@pytest.mark.parametrize(("title", "message", "escaped"), HOSTILE)
@pytest.mark.parametrize("ok", [True, False])
def test_page_escapes_title_and_message(title: str, message: str, escaped: str, ok: bool) -> None:
    html = page(title, message, ok)
    assert "<script>" not in html
    assert "<img" not in html and "<b>" not in html
    assert escaped in html


def test_title_appears_in_head_and_heading() -> None:
    html = page("You're linked", "You can close this tab.", ok=True)
    assert "<title>You&#x27;re linked · Kudos Bridge</title>" in html
    assert "<h1>You&#x27;re linked</h1>" in html
    assert "<p>You can close this tab.</p>" in html


def test_icon_depends_on_outcome() -> None:
    assert page("t", "m", ok=True) != page("t", "m", ok=False)
    assert "&#9989;" in page("t", "m", ok=True)
    assert "&#9888;" in page("t", "m", ok=False)
