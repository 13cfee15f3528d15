"""The recognition modal, built by pure functions; and its submitted state read back."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.models import Value
from bot.platforms.spec import ProviderSpec
from bot.recognition.rules import MAX_MESSAGE, MAX_RECIPIENTS
from handlers.blocks import link_prompt
from handlers.kit import MODAL, Block, context, escape, section
from handlers.parse import announce_channel
from handlers.value_select import offered, value_select

# Block ids of the form's inputs; each input's action id is the same string.
RECIPIENTS, VALUE, MESSAGE, ANNOUNCE = "recipients", "value", "message", "announce"
# Block ids of the line shown instead of the value select: loading, failed, none offered.
VALUES_LOADING, VALUES_FAILED, VALUES_NONE = "values_loading", "values_failed", "values_none"
TITLE = "Give recognition"  # Slack caps modal titles at 24 characters


def plain(text: str) -> Block:
    return {"type": "plain_text", "text": text, "emoji": True}


@dataclass(frozen=True)
class Origin:
    """Where the modal was opened: the platform, and the channel to announce in ("" for none).
    Travels in the view's `private_metadata`."""

    provider: str
    channel_id: str = ""

    def dumps(self) -> str:
        return json.dumps({"provider": self.provider, "channel": self.channel_id})

    @classmethod
    def loads(cls, text: str | None) -> Origin:
        try:
            data = json.loads(text or "{}")
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        return cls(str(data.get("provider") or ""), str(data.get("channel") or ""))


@dataclass(frozen=True)
class Prefill:
    """What the form starts with (a message shortcut's author and link)."""

    recipients: tuple[str, ...] = ()
    message: str = ""


def modal(shown: list[Block], origin: Origin, *, submit: str | None = None) -> Block:
    view: Block = {
        "type": "modal",
        "callback_id": MODAL,
        "title": plain(TITLE),
        "close": plain("Cancel" if submit else "Close"),
        "private_metadata": origin.dumps(),
        "blocks": shown,
    }
    if submit:
        view["submit"] = plain(submit)
    return view


def form_view(
    spec: ProviderSpec,
    origin: Origin,
    prefill: Prefill = Prefill(),
    values: Sequence[Value] | None = None,
    notice: str | None = None,
) -> Block:
    """The form. `values` is None while they load (an update brings the select); `notice`
    says why they could not be loaded."""
    shown = [recipients_field(prefill.recipients), *value_field(spec, values, notice)]
    shown.append(message_field(prefill.message))
    if origin.channel_id:
        shown.append(announce_field(origin.channel_id))
    return modal(shown, origin, submit="Send")


def recipients_field(initial: Sequence[str]) -> Block:
    element: Block = {
        "type": "multi_users_select",
        "action_id": RECIPIENTS,
        "placeholder": plain("Pick teammates"),
        "max_selected_items": MAX_RECIPIENTS,
    }
    if initial:
        element["initial_users"] = list(initial)
    return {"type": "input", "block_id": RECIPIENTS, "label": plain("Who"), "element": element}


def value_field(
    spec: ProviderSpec, values: Sequence[Value] | None, notice: str | None = None
) -> list[Block]:
    """The value select, or a line saying it is loading, failed, or that there are none."""
    if notice is not None:
        return [context(f":warning: {escape(notice)}") | {"block_id": VALUES_FAILED}]
    if values is None:
        loading = f"Loading {spec.values_label} from {spec.display_name}…"
        return [context(f":hourglass_flowing_sand: {loading}") | {"block_id": VALUES_LOADING}]
    if not offered(values):
        none = f"{spec.display_name} offers no {spec.values_label} to pick from."
        return [context(none) | {"block_id": VALUES_NONE}]
    element = value_select(VALUE, values, spec.value_label)
    label = plain(spec.value_label.capitalize())
    block = {"type": "input", "block_id": VALUE, "label": label, "element": element}
    return [block | {"optional": not spec.value_required}]


def message_field(initial: str) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": MESSAGE,
        "multiline": True,
        "max_length": MAX_MESSAGE,
        "placeholder": plain("What did they do, and why did it matter?"),
    }
    if initial:
        element["initial_value"] = initial
    return {"type": "input", "block_id": MESSAGE, "label": plain("Why"), "element": element}


def announce_field(channel_id: str) -> Block:
    option = {"text": {"type": "mrkdwn", "text": f"Announce it in <#{channel_id}>"}, "value": "on"}
    element = {
        "type": "checkboxes",
        "action_id": ANNOUNCE,
        "options": [option],
        "initial_options": [option],
    }
    label = plain("Announce in the channel")
    return {
        "type": "input",
        "block_id": ANNOUNCE,
        "optional": True,
        "label": label,
        "element": element,
    }


def link_view(url: str, spec: ProviderSpec, reason: str, origin: Origin) -> Block:
    return modal(link_prompt(url, spec, reason), origin)


def notice_view(text: str, origin: Origin) -> Block:
    return modal([section(escape(text))], origin)


def sending_view(origin: Origin) -> Block:
    return notice_view(
        "Sending your recognition… It's taking a moment: I'll tell you in a DM when it's done.",
        origin,
    )


def permalink(domain: str, channel_id: str, ts: str, thread_ts: str | None = None) -> str:
    link = f"https://{domain}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return link


def from_message(payload: Mapping[str, Any], user_id: str) -> tuple[str, Prefill]:
    """A message shortcut: the channel to announce in ("" in a DM), and the author (not
    yourself) and a link to prefill."""
    where = payload.get("channel") or {}
    channel = str(where.get("id") or "")
    message = payload.get("message") or {}
    author = str(message.get("user") or "")
    domain = str((payload.get("team") or {}).get("domain") or "")
    ts = str(message.get("ts") or payload.get("message_ts") or "")
    text = ""
    if domain and channel and ts:
        thread_ts = message.get("thread_ts")
        text = f"For this message: {permalink(domain, channel, ts, thread_ts)}\n"
    recipients = (author,) if author and author != user_id else ()
    return announce_channel(channel, str(where.get("name") or "")), Prefill(recipients, text)
