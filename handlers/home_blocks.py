"""Block Kit for the App Home tab, built by pure functions: data in, JSON-ready dicts out."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.models import Link, Recognition
from bot.platforms.spec import ProviderSpec
from handlers.kit import (
    CONFIRM_LINK,
    GIVE,
    HEADER_TEXT,
    HOME_LINK,
    HOME_UNLINK,
    OPEN_LINK,
    VIEW_BLOCKS,
    Block,
    button,
    capped,
    clip,
    context,
    escape,
    section,
)
from handlers.lookup_blocks import recognition_item, status_line

MAX_RECENT = 5  # recognitions shown on Home; the full list is `/kudos recent`


@dataclass(frozen=True)
class PlatformRow:
    """One enabled platform as the user sees it: their link, and a sign-in they just asked for."""

    spec: ProviderSpec
    link: Link | None = None
    sign_in_url: str | None = None


@dataclass(frozen=True)
class Received:
    """Recognitions the user received on `platform`, or the sentence saying why none are shown."""

    platform: str | None
    items: list[Recognition] = field(default_factory=list)
    problem: str | None = None


@dataclass(frozen=True)
class Shown:
    """What a button changes on the tab: a sign-in to offer (provider, URL) and/or a notice."""

    sign_in: tuple[str, str] | None = None
    notice: str | None = None
    failed: bool = False  # the notice says why the change failed


def received(items: list[Recognition], person_id: str) -> list[Recognition]:
    """Those `person_id` received; every item when the platform names no recipients at all."""
    if not any(item.recipient_ids for item in items):
        return list(items)
    return [item for item in items if person_id in item.recipient_ids]


def header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": clip(text, HEADER_TEXT), "emoji": True},
    }


def divider() -> Block:
    return {"type": "divider"}


def give_button() -> list[Block]:
    """The way into the recognition modal (its listener lives with the modal)."""
    return [
        section("Thank a teammate for something they did: it takes a few seconds."),
        {
            "type": "actions",
            "elements": [button("Give recognition", GIVE, style="primary")],
        },
    ]


def row_button(row: PlatformRow) -> Block | None:
    """Link when there is no usable link (none yet, or expired for good), Unlink otherwise;
    none for an app-level platform."""
    spec = row.spec
    if not spec.per_user:
        return None
    if row.link is None or row.link.lapsed:
        return button("Link", HOME_LINK, value=spec.name, style="primary")
    return button("Unlink", HOME_UNLINK, value=spec.name)


def pending_buttons(spec: ProviderSpec) -> Block:
    """A link waiting for "that's me": Confirm (the DM's own action) or Unlink."""
    confirm = button("Confirm", CONFIRM_LINK, value=spec.name, style="primary")
    return {
        "type": "actions",
        "elements": [confirm, button("Unlink", HOME_UNLINK, value=spec.name)],
    }


def sign_in_blocks(spec: ProviderSpec, url: str) -> list[Block]:
    """The fresh authorize URL the user asked for with Link."""
    label = f"Continue to {spec.display_name} sign-in"
    return [
        {"type": "actions", "elements": [button(label, OPEN_LINK, url=url, style="primary")]},
        context(
            "The button works once, for 10 minutes. We never see your password; "
            "this page updates when you're linked."
        ),
    ]


def platform_blocks(row: PlatformRow) -> list[Block]:
    """The row's status line (shared with `/kudos status`) with its button or its sign-in."""
    line = section(status_line(row.spec, row.link))
    if row.sign_in_url is not None and row.spec.per_user:
        return [line, *sign_in_blocks(row.spec, row.sign_in_url)]
    if row.link is not None and not row.link.confirmed and row.spec.per_user:
        return [line, pending_buttons(row.spec)]
    control = row_button(row)
    if control is not None:
        line["accessory"] = control
    return [line]


def received_blocks(recent: Received) -> list[Block]:
    where = f" on {recent.platform}" if recent.platform else ""
    shown = [header(f"Recognitions you received{where}")]
    if recent.problem is not None:
        return [*shown, context(escape(recent.problem))]
    if not recent.items:
        return [*shown, context("None yet. They'll show up here when someone recognizes you.")]
    shown += [recognition_item(item) for item in recent.items[:MAX_RECENT]]
    return [*shown, context("Given and received, page by page: `/kudos recent`.")]


def home_view(
    rows: list[PlatformRow], recent: Received, notice: str | None = None
) -> dict[str, object]:
    """The whole Home tab: a notice (the outcome of the last button), Give, platforms, recent."""
    blocks: list[Block] = [header("Kudos Bridge")]
    if notice:
        blocks.append(section(escape(notice)))
    blocks += [*give_button(), divider(), header("Your platforms")]
    for row in rows:
        blocks += platform_blocks(row)
    if not rows:
        blocks.append(context("No recognition platform is set up yet. Ask your Slack admin."))
    blocks += [divider(), *received_blocks(recent)]
    return {"type": "home", "blocks": capped(blocks, VIEW_BLOCKS)}


def plain_view() -> dict[str, object]:
    """What Home shows when Slack refused the full tab."""
    return {
        "type": "home",
        "blocks": [
            header("Kudos Bridge"),
            *give_button(),
            context("Part of this tab couldn't be shown. `/kudos status` lists your platforms."),
        ],
    }
