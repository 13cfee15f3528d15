"""Block Kit for the recognition flow, built by pure functions: data in, JSON-ready dicts out."""

from __future__ import annotations

from bot.intents import Draft, Intent
from bot.models import Person, Sent
from bot.platforms.spec import ProviderSpec
from handlers.kit import (
    ANNOUNCE,
    CANCEL,
    CHOOSE_VALUE,
    CONFIRM_LINK,
    OPEN_LINK,
    REJECT_LINK,
    RETRY,
    SEND,
    Block,
    button,
    context,
    escape,
    link,
    quote,
    safe_url,
    section,
)
from handlers.phrasing import wait_words
from handlers.value_select import value_select
from handlers.words import failure_words

__all__ = ["Block", "escape"]


def link_prompt(url: str, spec: ProviderSpec, reason: str) -> list[Block]:
    return [
        section(f"{escape(reason)}\nSign in to {spec.display_name} to link your account."),
        {
            "type": "actions",
            "elements": [button(f"Link {spec.display_name}", OPEN_LINK, url=url, style="primary")],
        },
        context("The button works once, for 10 minutes. We never see your password."),
    ]


def linked_then(note: str, answer: str, shown: list[Block] | None) -> tuple[str, list[Block]]:
    """Where the link prompt was: that the link worked, then the answer to what was asked."""
    return answer, [context(f":white_check_mark: {escape(note)}"), *(shown or [section(answer)])]


def confirm_account(spec: ProviderSpec, account: Person) -> tuple[str, list[Block]]:
    """Ask the user to confirm an account the platform showed without an e-mail address."""
    who = f"*{escape(account.name)}*" + (f", {escape(account.title)}" if account.title else "")
    text = f"Is this your {spec.display_name} account: {who}?"
    shown = [
        section(
            f"{text}\n{spec.display_name} didn't share an e-mail address we could check, "
            "so the link stays off until you confirm."
        ),
        {
            "type": "actions",
            "elements": [
                button("Yes, that's me", CONFIRM_LINK, value=spec.name, style="primary"),
                button("No, unlink it", REJECT_LINK, value=spec.name, style="danger"),
            ],
        },
    ]
    return text, shown


def names(draft: Draft) -> str:
    return ", ".join(f"<@{recipient.slack_id}>" for recipient in draft.recipients)


def preview(draft: Draft, spec: ProviderSpec) -> list[Block]:
    """The ephemeral preview with Send and Cancel (and a value picker when one is missing)."""
    blocks = [section(f"*Preview* · recognizing {names(draft)} on {spec.display_name}")]
    if draft.value is not None:
        blocks.append(section(f"*{spec.value_label.capitalize()}:* {escape(draft.value.name)}"))
    elif draft.unknown_value:
        blocks.append(
            section(
                f"There's no {spec.value_label} called "
                f"*#{escape(draft.unknown_value)}*. Pick one to continue:"
            )
        )
    elif spec.value_required:
        blocks.append(section(f"Pick a {spec.value_label} to continue:"))
    blocks.append(section(quote(draft.message)))
    controls: list[Block] = []
    if draft.value is None and draft.choices:
        controls.append(value_select(CHOOSE_VALUE, draft.choices, spec.value_label))
    if draft.value is not None or not spec.value_required:
        controls.append(button("Send", SEND, value=draft.id, style="primary"))
    controls.append(button("Cancel", CANCEL, value=draft.id))
    blocks.append({"type": "actions", "block_id": f"draft:{draft.id}", "elements": controls})
    if draft.channel_id:  # none in a DM: nobody else to tell, and no way to invite the bot
        blocks.append(announce_toggle(draft))
    return blocks


def announce_toggle(draft: Draft) -> Block:
    """ "Announce in this channel", on unless the user turned it off."""
    option = {
        "text": {"type": "mrkdwn", "text": "Announce it in this channel"},
        "value": "announce",
    }
    checkbox: Block = {"type": "checkboxes", "action_id": ANNOUNCE, "options": [option]}
    if draft.announce:
        checkbox["initial_options"] = [option]
    return {"type": "actions", "block_id": f"announce:{draft.id}", "elements": [checkbox]}


def confirmation(draft: Draft, sent: Sent, spec: ProviderSpec) -> list[Block]:
    name = spec.display_name
    where = link(sent.url, f"View it on {name}") if safe_url(sent.url) else escape(name)
    return [
        section(f":white_check_mark: Recognition sent to {names(draft)}. {where}"),
        context(quote(draft.message)),
    ]


def queued(intent: Intent, spec: ProviderSpec, now: float) -> list[Block]:
    """A recognition still on its way: why, and that the sender hears when it is delivered."""
    name = spec.display_name
    if intent.not_before is not None and intent.not_before > now:
        wait = wait_words(intent.not_before - now)
        why = f"{name} asked us to wait {wait}. I'll deliver it then and DM you."
    else:
        why = f"{name} isn't answering right now. I'll deliver it as soon as it does and DM you."
    return [
        section(
            f":hourglass_flowing_sand: Your recognition for {names(intent.draft)} is queued: {why}"
        ),
        context(quote(intent.draft.message)),
    ]


def delivery_failed(intent: Intent, spec: ProviderSpec) -> list[Block]:
    """A recognition that could not be delivered, with a Retry button (acted on as the clicker)."""
    reason = escape(failure_words(intent.reason) or f"{spec.display_name} refused it")
    return [
        section(
            f":warning: Your recognition for {names(intent.draft)} was not delivered: {reason}"
        ),
        context(quote(intent.draft.message)),
        {"type": "actions", "elements": [button("Retry", RETRY, value=intent.id, style="primary")]},
    ]


def delivery_needs_link(intent: Intent, spec: ProviderSpec, url: str) -> list[Block]:
    """Not delivered because the link is gone: the link button instead of a futile Retry."""
    reason = escape(
        failure_words(intent.reason) or f"{spec.display_name} no longer accepts your link"
    )
    again = "Once you're linked again, send it again: your message is quoted above."
    return [
        section(
            f":warning: Your recognition for {names(intent.draft)} was not delivered: {reason}"
        ),
        context(quote(intent.draft.message)),
        *link_prompt(url, spec, again),
    ]


def announcement(draft: Draft, sent: Sent, spec: ProviderSpec) -> list[Block]:
    value = f" for *{escape(draft.value.name)}*" if draft.value else ""
    lines = [f":tada: <@{draft.user_id}> recognized {names(draft)}{value}", quote(draft.message)]
    blocks = [section("\n".join(lines))]
    if safe_url(sent.url):
        blocks.append(context(link(sent.url, f"See it on {spec.display_name}")))
    return blocks


def recipient_dm(draft: Draft, sent: Sent, spec: ProviderSpec) -> list[Block]:
    """What each recipient reads in their DM: who, why, and where to see it."""
    value = f" for *{escape(draft.value.name)}*" if draft.value else ""
    lines = [
        f":tada: <@{draft.user_id}> recognized you on {spec.display_name}{value}",
        quote(draft.message),
    ]
    shown = [section("\n".join(lines))]
    if safe_url(sent.url):
        shown.append(context(link(sent.url, f"See it on {spec.display_name}")))
    return shown


def recipient_text(draft: Draft) -> str:
    return f"<@{draft.user_id}> recognized you"


def announcement_text(draft: Draft) -> str:
    """Notification fallback for the announcement."""
    return f"<@{draft.user_id}> recognized {names(draft)}"
