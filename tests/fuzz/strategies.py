"""Hypothesis strategies for what Slack may carry: command text with Slack's markup, unicode,
control characters and long strings; action values and ids; JSON of any shape."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.harness import FUZZER

MAX_COMMAND_TEXT = 4000  # about what Slack lets a person type after a slash command
VICTIM = "@victim-draft@"  # replaced, at run time, by another user's real draft id

KNOWN_USERS = ["U_ANA", "U_BOB", FUZZER, "U_BOT", "U_NOBODY", "W0ENTERPRISE"]
PLATFORMS = ["achievers", "sevengeese", "7geese", "kazoo", "cultureamp", "Achievers", "nope", ""]
KUDOS_WORDS = ["link", "unlink", "status", "whois", "recent", "values", "help", "LINK", "Whois"]
VALUE_NAMES = ["teamwork", "Innovation", "customer-focus", "CUSTOMER_FOCUS", "nope", "ü", "1"]
UNICODE = [
    "مرحبا بالعالم",  # Arabic (RTL)
    "שלום עולם",  # Hebrew (RTL)
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e\u2066x\u2069",  # direction marks and isolates
    "🎉👍🏽👨‍👩‍👧‍👦🏳️‍🌈",  # emoji with modifiers and joiners
    "e\u0301\u0302\u0303",  # stacked combining marks
    "𝕳𝖊𝖑𝖑𝖔",  # outside the BMP
    "漢字かなカナ",
    "\ufeff\u200b\u00a0",  # BOM, zero-width space, no-break space
    "&lt;@U_ANA&gt; &amp; &lt;!here&gt;",  # text the user typed, as Slack escapes it
]
CONTROL = st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), max_size=6)

user_ids = st.one_of(
    st.sampled_from(KNOWN_USERS), st.from_regex(r"[UW][A-Z0-9_]{1,14}", fullmatch=True)
)
mentions = st.builds(
    lambda user, label: f"<@{user}>" if label is None else f"<@{user}|{label}>",
    user_ids,
    st.none() | st.text(max_size=12),
)
markup = st.one_of(
    st.from_regex(r"<#C[A-Z0-9]{1,10}(\|[a-z0-9_-]{0,20})?>", fullmatch=True),
    st.sampled_from(["<!here>", "<!channel|@channel>", "<!everyone>", "<!subteam^S01|@team>"]),
    st.sampled_from(["<https://example.com/x?a=1&b=2|a link>", "<mailto:a@example.com>"]),
    st.sampled_from(["<", ">", "<@", "<@U_ANA", "<#", "|", "&", "#", "##", "@ana", "<@>"]),
)
hashtags = st.builds(lambda name: f"#{name}", st.sampled_from(VALUE_NAMES) | st.text(max_size=12))
fragments = st.one_of(
    mentions,
    markup,
    hashtags,
    st.sampled_from(UNICODE),
    CONTROL,
    st.text(max_size=30),
    st.sampled_from(PLATFORMS + KUDOS_WORDS),
)
sentences = st.lists(fragments, max_size=12).map(" ".join)


def _repeat(piece: str, length: int) -> str:
    return (piece * (length // max(1, len(piece)) + 1))[:length]


long_texts = st.builds(
    _repeat,
    st.one_of(fragments.filter(bool), sentences.filter(bool)),
    st.integers(1000, MAX_COMMAND_TEXT),
)
many_mentions = st.lists(mentions, min_size=9, max_size=14).map(" ".join)
blank = st.sampled_from(["", " ", "\t\n", "\u3000", "\x1f\x1c"])

recognize_texts = st.one_of(sentences, st.text(max_size=200), long_texts, many_mentions, blank)
kudos_texts = st.one_of(
    st.builds(
        lambda word, rest: f"{word} {rest}",
        st.sampled_from(KUDOS_WORDS) | st.text(max_size=10),
        sentences | st.sampled_from(PLATFORMS),
    ),
    recognize_texts,
)
channel_ids = st.sampled_from(["C1", "D0FUZZ", "G0PRIVATE", "", "C" + "9" * 40, "not a channel"])
team_ids = st.sampled_from(["T1", "T1", "T1", "T0OTHER", "E0ENTERPRISE"])

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values: st.SearchStrategy[Any] = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
cursors = st.fixed_dictionaries(
    {"p": st.sampled_from(PLATFORMS)},
    optional={
        "u": user_ids | json_values,
        "path": st.sampled_from(["/api/v5/recognitions", "http://127.0.0.1:1/x", "../../"])
        | json_values,
        "q": st.dictionaries(st.text(max_size=8), json_values, max_size=3) | json_values,
    },
)
action_values = st.one_of(
    st.just(VICTIM),
    st.sampled_from(PLATFORMS),
    st.text(max_size=100),
    json_values.map(json.dumps),
    cursors.map(json.dumps),
    st.builds(_repeat, st.text(min_size=1, max_size=8), st.integers(1000, 2000)),  # huge
)
block_ids = st.one_of(
    st.sampled_from(["b1", f"draft:{VICTIM}", f"announce:{VICTIM}", "draft:", "announce:"]),
    st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(["draft:", "announce:", ""]),
        st.text(max_size=40),
    ),
)
