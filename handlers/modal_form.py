"""The recognition modal's submitted state, read back and checked: pure, no I/O."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.intents import RecognitionRequest
from bot.platforms.spec import ProviderSpec
from bot.recognition import rules
from bot.recognition.drafts import final_message
from handlers.kit import escape
from handlers.modal_blocks import (
    ANNOUNCE,
    MESSAGE,
    RECIPIENTS,
    VALUE,
    VALUES_FAILED,
    VALUES_LOADING,
    VALUES_NONE,
    Origin,
)
from handlers.words import said

FIELDS = (RECIPIENTS, VALUE, MESSAGE)  # where a refusal can be shown inline


@dataclass(frozen=True)
class Form:
    """What the user submitted, read from the view's state."""

    recipients: list[str]
    value_id: str | None
    message: str
    announce: bool
    origin: Origin
    offers_values: bool  # the value select was shown (values had loaded)
    values_shown: str = VALUES_LOADING  # else what was shown instead: loading, failed or none

    def request(self) -> RecognitionRequest:
        """As `/recognize` would have parsed it: the message Slack-escaped, the value by id."""
        return RecognitionRequest(
            recipient_ids=self.recipients,
            message=escape(self.message),
            value_id=self.value_id,
            announce=self.announce and bool(self.origin.channel_id),
        )


def read_form(view: Mapping[str, Any]) -> Form:
    """Read leniently: a field of another shape than Slack's counts as not filled in."""
    state = _mapping(_mapping(view.get("state")).get("values"))

    def element(block_id: str) -> Mapping[str, Any]:
        return _mapping(_mapping(state.get(block_id)).get(block_id))

    users = _strings(element(RECIPIENTS).get("selected_users"))
    value_id = _mapping(element(VALUE).get("selected_option")).get("value")
    message = element(MESSAGE).get("value")
    return Form(
        recipients=list(dict.fromkeys(users)),
        value_id=value_id if isinstance(value_id, str) and value_id else None,
        message=message.strip() if isinstance(message, str) else "",
        announce=bool(element(ANNOUNCE).get("selected_options")),
        origin=Origin.loads(view.get("private_metadata")),
        offers_values=VALUE in state,
        values_shown=_values_line(view.get("blocks")),
    )


def _values_line(shown: Any) -> str:
    """Which line stood in for the value select (the view's blocks come back on submit)."""
    lines = (VALUES_FAILED, VALUES_NONE)
    ids = [_mapping(block).get("block_id") for block in shown] if isinstance(shown, list) else []
    return next((line for line in lines if line in ids), VALUES_LOADING)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def form_errors(form: Form, user_id: str, spec: ProviderSpec) -> dict[str, str]:
    """Every rule that needs no platform: {block_id: words}; empty when the form is fine. A
    required value the select isn't there to take is said on the message, unless that is wrong."""
    checks: dict[str, Callable[[], None]] = {
        RECIPIENTS: lambda: rules.check_recipients(form.recipients, user_id),
        MESSAGE: lambda: rules.check_message(final_message(escape(form.message), {}, None)),
        VALUE: lambda: rules.check_value(spec, form.value_id),
    }
    errors = {block: said(broken) for block, check in checks.items() if (broken := _broken(check))}
    if VALUE in errors and not form.offers_values:
        del errors[VALUE]
        errors.setdefault(MESSAGE, no_values(spec, form.values_shown))
    return errors


def _broken(check: Callable[[], None]) -> rules.RuleBroken | None:
    try:
        check()
    except rules.RuleBroken as broken:
        return broken
    return None


def no_values(spec: ProviderSpec, shown: str) -> str:
    """Why a required value can't be picked: none offered, not loaded, or still loading."""
    name, values = spec.display_name, spec.values_label
    if shown == VALUES_NONE:
        return (
            f"{name} needs a {spec.value_label} for every recognition but offers none, so it "
            f"can't be sent. Ask your {name} admin to set up {values}."
        )
    if shown == VALUES_FAILED:
        return f"The {values} couldn't be loaded from {name}: close the form and try again."
    return f"The {values} haven't loaded yet: send again in a moment."
