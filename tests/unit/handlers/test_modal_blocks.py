"""The recognition modal's builders (handlers/modal_blocks.py) and form reader
(handlers/modal_form.py): pure data in, JSON-ready views out, and back."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from bot.models import Value
from bot.platforms.providers import achievers
from bot.recognition.drafts import final_message
from handlers import kit
from handlers import modal_blocks as mb
from handlers.modal_form import Form, form_errors, read_form

View = dict[str, Any]
ACHIEVERS = achievers.SPEC  # value required
OPTIONAL = replace(ACHIEVERS, value_required=False)
VALUES = [Value(id="601", name="Teamwork"), Value(id="602", name="L" * 200)]
HERE = mb.Origin("achievers", "C1")


def inputs(view: View) -> dict[str, dict[str, Any]]:
    """Input blocks by block id."""
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def state(**entries: dict[str, Any]) -> View:
    """A submitted view: its state holds the given inputs (block id = action id)."""
    values = {block: {block: entry} for block, entry in entries.items()}
    return {"private_metadata": HERE.dumps(), "state": {"values": values}}


def form(**changes: Any) -> Form:
    fields: dict[str, Any] = {
        "recipients": ["U_BOB"],
        "value_id": "601",
        "message": "for the release",
        "announce": True,
        "origin": HERE,
        "offers_values": True,
    }
    return Form(**(fields | changes))


def test_the_form_is_a_modal_slack_accepts() -> None:
    view = mb.form_view(ACHIEVERS, HERE, values=VALUES)
    assert json.loads(json.dumps(view)) == view
    assert (view["type"], view["callback_id"]) == ("modal", kit.MODAL)
    assert len(view["title"]["text"]) <= 24 and view["submit"]["text"] == "Send"
    assert json.loads(view["private_metadata"]) == {"provider": "achievers", "channel": "C1"}
    shown = inputs(view)
    assert list(shown) == [mb.RECIPIENTS, mb.VALUE, mb.MESSAGE, mb.ANNOUNCE]
    kinds = [block["element"]["type"] for block in shown.values()]
    assert kinds == ["multi_users_select", "static_select", "plain_text_input", "checkboxes"]
    assert all(b["block_id"] == b["element"]["action_id"] for b in shown.values())
    assert shown[mb.MESSAGE]["element"]["multiline"] is True


@pytest.mark.parametrize(("spec", "optional"), [(ACHIEVERS, False), (OPTIONAL, True)])
def test_the_value_is_optional_unless_the_platform_requires_one(spec: Any, optional: bool) -> None:
    select = inputs(mb.form_view(spec, HERE, values=VALUES))[mb.VALUE]
    assert select["optional"] is optional
    assert [o["value"] for o in select["element"]["options"]] == ["601", "602"]
    assert max(len(o["text"]["text"]) for o in select["element"]["options"]) == 75


def test_up_to_100_values_are_a_static_menu_and_more_a_type_ahead() -> None:
    hundred = [Value(id=str(n), name=f"V{n}") for n in range(100)]
    static = inputs(mb.form_view(ACHIEVERS, HERE, values=hundred))[mb.VALUE]["element"]
    assert (static["type"], len(static["options"])) == ("static_select", 100)
    more = [*hundred, Value(id="100", name="V100")]
    typed = inputs(mb.form_view(ACHIEVERS, HERE, values=more))[mb.VALUE]
    assert typed["element"]["type"] == "external_select" and "options" not in typed["element"]
    assert (typed["element"]["action_id"], typed["element"]["min_query_length"]) == (mb.VALUE, 0)
    assert typed["optional"] is False


@pytest.mark.parametrize(
    ("values", "notice", "expected"),
    [
        (None, None, "Loading criteria from Achievers"),
        ([], None, "Achievers offers no criteria"),
        (VALUES, "Achievers isn't answering <now>", "isn't answering &lt;now&gt;"),
    ],
)
def test_without_values_a_line_says_why(
    values: list[Value] | None, notice: str | None, expected: str
) -> None:
    view = mb.form_view(ACHIEVERS, HERE, values=values, notice=notice)
    assert mb.VALUE not in inputs(view)  # a static_select needs options
    assert expected in json.dumps(view, ensure_ascii=False)


def test_loading_and_loaded_forms_keep_their_inputs_for_the_update() -> None:
    loading, loaded = mb.form_view(ACHIEVERS, HERE), mb.form_view(ACHIEVERS, HERE, values=VALUES)
    assert set(inputs(loading)) == set(inputs(loaded)) - {mb.VALUE}
    assert loading["private_metadata"] == loaded["private_metadata"]


def test_announce_checkbox_is_on_and_only_with_a_channel() -> None:
    checkbox = inputs(mb.form_view(ACHIEVERS, HERE))[mb.ANNOUNCE]
    assert checkbox["optional"] is True
    assert checkbox["element"]["initial_options"] == checkbox["element"]["options"]
    assert "<#C1>" in checkbox["element"]["options"][0]["text"]["text"]
    assert mb.ANNOUNCE not in inputs(mb.form_view(ACHIEVERS, mb.Origin("achievers")))


def test_prefill_sets_initial_users_and_text() -> None:
    prefill = mb.Prefill(("U_BOB",), "For this message: https://x\n")
    shown = inputs(mb.form_view(ACHIEVERS, HERE, prefill))
    assert shown[mb.RECIPIENTS]["element"]["initial_users"] == ["U_BOB"]
    assert shown[mb.MESSAGE]["element"]["initial_value"] == "For this message: https://x\n"
    plain = inputs(mb.form_view(ACHIEVERS, HERE))
    assert "initial_users" not in plain[mb.RECIPIENTS]["element"]
    assert "initial_value" not in plain[mb.MESSAGE]["element"]


def test_permalink() -> None:
    assert (
        mb.permalink("acme", "C9", "1700000000.000200")
        == "https://acme.slack.com/archives/C9/p1700000000000200"
    )
    threaded = mb.permalink("acme", "C9", "1700000000.000300", "1700000000.000200")
    assert threaded.endswith("/p1700000000000300?thread_ts=1700000000.000200&cid=C9")


def test_message_shortcut_prefills_author_and_link() -> None:
    payload = {
        "team": {"id": "T1", "domain": "acme"},
        "channel": {"id": "C9"},
        "message": {"user": "U_BOB", "ts": "1700000000.000200", "text": "shipped"},
    }
    channel, prefill = mb.from_message(payload, "U_ANA")
    assert channel == "C9" and prefill.recipients == ("U_BOB",)
    assert "https://acme.slack.com/archives/C9/p1700000000000200" in prefill.message
    assert mb.from_message(payload, "U_BOB")[1].recipients == ()  # not yourself
    bot_message = payload | {"message": {"bot_id": "B1", "ts": "1700000000.000200"}}
    assert mb.from_message(bot_message, "U_ANA")[1].recipients == ()


def test_origin_round_trips_and_survives_garbage() -> None:
    assert mb.Origin.loads(HERE.dumps()) == HERE
    for junk in (None, "", "not json", "[1]", '{"channel": 5}'):
        assert mb.Origin.loads(junk).provider == ""


def test_link_and_notice_views_have_no_submit() -> None:
    link = mb.link_view("https://ach.example/authorize", ACHIEVERS, "Link first.", HERE)
    assert "submit" not in link and link["callback_id"] == kit.MODAL
    [button] = [e for b in link["blocks"] for e in b.get("elements", []) if e.get("url")]
    assert (button["action_id"], button["url"]) == (kit.OPEN_LINK, "https://ach.example/authorize")
    assert "submit" not in mb.sending_view(HERE)
    assert "Sending" in json.dumps(mb.sending_view(HERE))


def test_read_form() -> None:
    view = state(
        recipients={"type": "multi_users_select", "selected_users": ["U_BOB", "U_BOB", "U_C"]},
        value={"type": "static_select", "selected_option": {"value": "602"}},
        message={"type": "plain_text_input", "value": "  thanks <3 & more \n"},
        announce={"type": "checkboxes", "selected_options": []},
    )
    read = read_form(view)
    assert read == form(
        recipients=["U_BOB", "U_C"], value_id="602", message="thanks <3 & more", announce=False
    )
    request = read.request()
    assert request.message == "thanks &lt;3 &amp; more" and request.value_id == "602"
    assert final_message(request.message, {}, None) == "thanks <3 & more"  # as typed


def test_read_form_with_nothing_chosen() -> None:
    view = state(
        recipients={"type": "multi_users_select", "selected_users": []},
        message={"type": "plain_text_input", "value": None},
    )
    read = read_form(view)
    assert (read.recipients, read.value_id, read.message) == ([], None, "")
    assert read.offers_values is False and read.announce is False


def test_announcement_needs_a_channel() -> None:
    assert form().request().announce is True
    assert form(origin=mb.Origin("achievers")).request().announce is False
    assert form(announce=False).request().announce is False


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, {}),
        ({"recipients": []}, {mb.RECIPIENTS: "Pick at least one"}),
        ({"recipients": ["U_BOB", "U_ANA"]}, {mb.RECIPIENTS: "can't recognize yourself"}),
        ({"recipients": [f"U{n}" for n in range(11)]}, {mb.RECIPIENTS: "up to 10"}),
        ({"message": ""}, {mb.MESSAGE: "Add a few words"}),
        ({"message": " - "}, {mb.MESSAGE: "Add a few words"}),  # nothing left once tidied
        ({"message": "x" * 2001}, {mb.MESSAGE: "under 2000"}),
        ({"value_id": None}, {mb.VALUE: "Pick a criterion"}),
        ({"value_id": None, "offers_values": False}, {mb.MESSAGE: "haven't loaded yet"}),
        ({"recipients": [], "message": ""}, {mb.RECIPIENTS: "Pick", mb.MESSAGE: "Add"}),
    ],
)
def test_form_errors(changes: dict[str, Any], expected: dict[str, str]) -> None:
    errors = form_errors(form(**changes), "U_ANA", ACHIEVERS)
    assert set(errors) == set(expected)
    for block, fragment in expected.items():
        assert fragment in errors[block]


def test_a_value_is_optional_where_the_platform_says_so() -> None:
    assert form_errors(form(value_id=None), "U_ANA", OPTIONAL) == {}


@pytest.mark.parametrize(
    ("values", "notice", "expected"),
    [
        ([], None, "needs a criterion for every recognition but offers none"),
        (None, "Achievers isn't answering.", "couldn't be loaded from Achievers"),
        (None, None, "haven't loaded yet"),
    ],
)
def test_a_required_value_that_cant_be_picked_says_why(
    values: list[Value] | None, notice: str | None, expected: str
) -> None:
    """The form as shown (its blocks come back on submit) tells none offered from not loaded."""
    shown = mb.form_view(ACHIEVERS, HERE, values=values, notice=notice)
    submitted = state(
        recipients={"type": "multi_users_select", "selected_users": ["U_BOB"]},
        message={"type": "plain_text_input", "value": "for the release"},
    ) | {"blocks": shown["blocks"]}
    errors = form_errors(read_form(submitted), "U_ANA", ACHIEVERS)
    assert list(errors) == [mb.MESSAGE] and expected in errors[mb.MESSAGE]


@pytest.mark.parametrize("channel", [{"id": "D024BE91L", "name": "directmessage"}, {"id": "G1"}])
def test_message_shortcut_in_a_dm_offers_no_announcement(channel: dict[str, str]) -> None:
    payload = {"team": {"domain": "acme"}, "channel": channel, "message": {"user": "U_BOB"}}
    where, _ = mb.from_message(payload, "U_ANA")
    assert where == ""
    assert mb.ANNOUNCE not in inputs(mb.form_view(ACHIEVERS, mb.Origin("achievers", where)))
