"""The rules a recognition keeps, whoever asks for it: `/recognize`, the form, a form or command
resumed after linking, and the workflow step (through `Recognitions.prepare`). Pure checks that
raise `RuleBroken` with a reason code; each reason has one wording, in `WORDS`, next to the rules
(the surfaces that word a reason their own way, e.g. for a workflow's author, key on it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from bot.errors import MESSAGE, RECIPIENTS, VALUE, InvalidInput
from bot.models import Value
from bot.platforms.registry import Registry
from bot.platforms.spec import ProviderSpec

MAX_RECIPIENTS = 10
MAX_MESSAGE = 2000

Reason = Literal[
    "no_recipients",
    "self",
    "too_many_recipients",
    "not_on_platform",
    "no_message",
    "message_too_long",
    "value_required",
    "value_gone",
    "no_recognitions",
    "recognitions_elsewhere",
]

NO_RECOGNITIONS = "{platform}'s API offers no recognitions, so I can't send one there."
WORDS: dict[Reason, str] = {
    "no_recipients": "Pick at least one teammate to recognize.",
    "self": "You can't recognize yourself: pick your teammates instead.",
    "too_many_recipients": "You can recognize up to {most} people at once.",
    "not_on_platform": "I can't find {name} on {platform} (by their Slack e-mail), "
    "so they can't be recognized there yet.",
    "no_message": "Add a few words saying what they did.",
    "message_too_long": "That message is too long: keep it under {most} characters.",
    "value_required": "Pick a {label} first, then press Send.",
    "value_gone": "That value isn't offered any more. Pick another one.",
    "no_recognitions": NO_RECOGNITIONS,
    "recognitions_elsewhere": NO_RECOGNITIONS
    + " Recognitions in this workspace go to {elsewhere}: ask your Slack admin to make it the "
    "default.",
}
FIELDS: dict[Reason, str] = {  # the part of a recognition at fault, where a form shows it
    "no_recipients": RECIPIENTS,
    "self": RECIPIENTS,
    "too_many_recipients": RECIPIENTS,
    "not_on_platform": RECIPIENTS,
    "no_message": MESSAGE,
    "message_too_long": MESSAGE,
    "value_required": VALUE,
    "value_gone": VALUE,
}


class RuleBroken(InvalidInput):
    """A recognition breaks the rule `rule`; `data` names who or what, for the words."""

    def __init__(self, rule: Reason, **data: str | int) -> None:
        super().__init__(WORDS[rule].format(**data), FIELDS.get(rule))
        self.rule, self.data = rule, data


def check_recipients(slack_ids: Sequence[str], giver: str | None = None) -> None:
    """Someone, not the giver (when known), and not too many (`slack_ids` are distinct)."""
    if not slack_ids:
        raise RuleBroken("no_recipients")
    if giver is not None and giver in slack_ids:
        raise RuleBroken("self")
    if len(slack_ids) > MAX_RECIPIENTS:
        raise RuleBroken("too_many_recipients", most=MAX_RECIPIENTS)


def check_message(message: str) -> None:
    """`message` as it will be sent (tidied, mentions named)."""
    if not message:
        raise RuleBroken("no_message")
    if len(message) > MAX_MESSAGE:
        raise RuleBroken("message_too_long", most=MAX_MESSAGE)


def check_value(spec: ProviderSpec, chosen: Value | str | None) -> None:
    """A value (or its id) is chosen where the platform requires one."""
    if chosen is None and spec.value_required:
        raise RuleBroken("value_required", label=spec.value_label)


def offered(value_id: str, choices: Sequence[Value]) -> Value:
    """The value `value_id` names among `choices`, the ones the platform offers."""
    value = next((value for value in choices if value.id == value_id), None)
    if value is None:
        raise RuleBroken("value_gone")
    return value


def platform_refusal(registry: Registry, provider: str) -> RuleBroken | None:
    """Why `provider` takes no recognitions, naming an enabled platform that does; else None."""
    spec = registry.get(provider).spec
    if spec.can_recognize:
        return None
    others = [p.spec.display_name for p in registry.others(provider) if p.spec.can_recognize]
    if others:
        return RuleBroken("recognitions_elsewhere", platform=spec.display_name, elsewhere=others[0])
    return RuleBroken("no_recognitions", platform=spec.display_name)


def check_platform(registry: Registry, provider: str) -> None:
    if (refusal := platform_refusal(registry, provider)) is not None:
        raise refusal
