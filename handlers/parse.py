"""Slash-command text → typed requests. Pure: no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.intents import RecognitionRequest
from bot.recognition.rules import check_recipients

MENTION = re.compile(r"<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>")
CHANNEL = re.compile(r"<#C[A-Z0-9]+(?:\|([^>]*))?>")
SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
SUBTEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|@?([^>]*))?>")
LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
CHANNEL_ID = re.compile(r"[A-Z0-9]{2,30}")  # what Slack's channel ids look like
HASHTAG = re.compile(r"(?<![\w&#/])#([^\W_][\w-]*)")
LEADING_MENTIONS = re.compile(r"^(?:\s*<@[UW][A-Z0-9_]+>\s*(?:,|and\b|&amp;)?)+\s*", re.IGNORECASE)

USAGE = "Try `/recognize @ana for the smooth release #teamwork`."


def parse_recognize(text: str) -> RecognitionRequest:
    """Every mention is a recipient (once); #words are value candidates; the rest is the
    message. The recipient rules apply here, so the ack can say what's wrong."""
    recipients = list(dict.fromkeys(MENTION.findall(text)))
    check_recipients(recipients)
    message = MENTION.sub(lambda match: f"<@{match.group(1)}>", text)
    message = CHANNEL.sub(lambda match: f"#{match.group(1) or 'channel'}", message)
    message = SPECIAL.sub(lambda match: f"@{match.group(1)}", message)
    message = SUBTEAM.sub(lambda match: f"@{match.group(1) or 'team'}", message)
    message = LINK.sub(lambda match: match.group(2) or match.group(1), message)
    message = LEADING_MENTIONS.sub("", message).strip()
    return RecognitionRequest(
        recipient_ids=recipients, hashtags=HASHTAG.findall(message), message=message
    )


@dataclass(frozen=True)
class KudosCommand:
    """`/kudos <action> [@someone] [platform]`."""

    action: str
    platform: str | None = None
    user_id: str | None = None


KUDOS_ACTIONS = ("link", "unlink", "status", "whois", "recent", "values", "help")


def parse_kudos(text: str) -> KudosCommand:
    """Unknown actions become `help`; the first mention and the first other word are kept."""
    mentions = MENTION.findall(text)
    words = MENTION.sub(" ", text).split()
    action = words[0].casefold() if words else "help"
    if action not in KUDOS_ACTIONS:
        return KudosCommand("help")
    platform = "".join(words[1:]).casefold() or None
    return KudosCommand(action, platform, mentions[0] if mentions else None)


def announce_channel(channel_id: str, channel_name: str = "") -> str:
    """Where a recognition can be announced: the channel, or "" in a DM or group DM (nobody
    else to tell there, and the bot can't be invited). Slack names those `directmessage` and
    `mpdm-…`; without a name, DM ids start with D and group DM ids with G. Anything that isn't
    a channel id is no channel."""
    if not CHANNEL_ID.fullmatch(channel_id):
        return ""
    name = channel_name.casefold()
    direct = name == "directmessage" or name.startswith("mpdm-")
    if not name:
        direct = channel_id.startswith(("D", "G"))
    return "" if direct or channel_id.startswith("D") else channel_id
