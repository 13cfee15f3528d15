"""The simulated Web API's reads of messages people react to: `conversations.history`,
`conversations.replies` (the sandbox has no threads: a message is its own thread) and
`chat.getPermalink`, in Slack's shapes."""

from __future__ import annotations

from sandbox.slack_records import BOT_ID, BOT_USER_ID, TEAM_DOMAIN, Json, Message
from sandbox.slack_views import Method
from sandbox.workspace import Workspace


def history_json(message: Message) -> Json:
    """A message as the history methods list it: a bot's carries its `bot_id`."""
    shown: Json = {"type": "message", "user": message.user, "text": message.text, "ts": message.ts}
    if message.user == BOT_USER_ID:
        shown |= {"bot_id": BOT_ID, "blocks": message.blocks}
    return shown


class HistoryMethods:
    """What the bot reads of a channel; ephemeral messages are never in it, as in Slack."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def methods(self) -> dict[str, Method]:
        return {
            "conversations.history": self.history,
            "conversations.replies": self.replies,
            "chat.getPermalink": self.permalink,
        }

    def _listed(self, channel: str) -> list[Message]:
        return [m for m in self.workspace.messages if m.channel == channel and m.only_for is None]

    def history(self, params: Json, base: str) -> Json:
        """Newest first, up to `latest` (inclusive when asked)."""
        channel = str(params.get("channel", ""))
        latest = float(params.get("latest") or "inf")
        inclusive = str(params.get("inclusive", "")).lower() in ("1", "true")
        shown = [
            m
            for m in self._listed(channel)
            if float(m.ts) < latest or (inclusive and float(m.ts) == latest)
        ]
        limit = max(1, int(params.get("limit") or 100))
        page = [history_json(m) for m in reversed(shown)][:limit]
        more = len(shown) > limit
        return {"ok": True, "messages": page, "has_more": more, "response_metadata": {}}

    def replies(self, params: Json, base: str) -> Json:
        message = self._find(params, "ts")
        if message is None:
            return {"ok": False, "error": "thread_not_found"}
        return {"ok": True, "messages": [history_json(message)], "has_more": False}

    def permalink(self, params: Json, base: str) -> Json:
        message = self._find(params, "message_ts")
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        where = f"{message.channel}/p{message.ts.replace('.', '')}"
        link = f"https://{TEAM_DOMAIN}.slack.com/archives/{where}"
        return {"ok": True, "channel": message.channel, "permalink": link}

    def _find(self, params: Json, field: str) -> Message | None:
        channel, ts = str(params.get("channel", "")), str(params.get(field, ""))
        return next((m for m in self._listed(channel) if m.ts == ts), None)
