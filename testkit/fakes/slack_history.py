"""The fake Slack's messages and workflow steps: `conversations.history`, `conversations.replies`,
`chat.getPermalink`, and `functions.completeSuccess` / `functions.completeError`, answering in
Slack's shapes (docs.slack.dev/reference/methods/…)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Params = dict[str, Any]


class SlackHistory:
    """Channels' messages (threads included) and the workflow steps completed or failed."""

    def __init__(self, domain: str = "fake-team") -> None:
        self.domain = domain
        self._messages: dict[str, list[Params]] = {}
        self._lock = threading.Lock()

    def add(
        self,
        channel: str,
        ts: str,
        text: str,
        *,
        user: str | None = None,
        bot_id: str | None = None,
        thread_ts: str | None = None,
    ) -> Params:
        """Post a message as someone (or a bot: `bot_id`, subtype bot_message) into `channel`."""
        message: Params = {"type": "message", "text": text, "ts": ts}
        if user is not None:
            message["user"] = user
        if bot_id is not None:
            message |= {"bot_id": bot_id, "subtype": "bot_message"}
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        with self._lock:
            self._messages.setdefault(channel, []).append(message)
        return message

    def methods(self) -> dict[str, Callable[[Params], Params]]:
        return {
            "conversations.history": self._history,
            "conversations.replies": self._replies,
            "chat.getPermalink": self._permalink,
            "functions.completeSuccess": self._step_done,
            "functions.completeError": self._step_failed,
        }

    def _channel(self, params: Params) -> list[Params] | None:
        with self._lock:
            found = self._messages.get(str(params.get("channel", "")))
            return None if found is None else sorted(found, key=lambda m: float(m["ts"]))

    def _history(self, params: Params) -> Params:
        """Top-level messages, newest first, up to `latest` (inclusive only when asked)."""
        messages = self._channel(params)
        if messages is None:
            return {"ok": False, "error": "channel_not_found"}
        latest = float(params.get("latest") or "inf")
        inclusive = str(params.get("inclusive", "")).lower() in ("1", "true")
        top = [m for m in messages if m.get("thread_ts") in (None, m["ts"])]
        shown = [
            m for m in top if float(m["ts"]) < latest or (inclusive and float(m["ts"]) == latest)
        ]
        limit = int(params.get("limit") or 100)
        page = list(reversed(shown))[:limit]
        more = len(shown) > limit
        return {"ok": True, "messages": page, "has_more": more, "pin_count": 0,
                "response_metadata": {"next_cursor": ""}}  # fmt: skip

    def _replies(self, params: Params) -> Params:
        """The thread `ts` belongs to: its parent first, then replies from `oldest` on."""
        messages = self._channel(params)
        if messages is None:
            return {"ok": False, "error": "channel_not_found"}
        ts = str(params.get("ts", ""))
        target = next((m for m in messages if m["ts"] == ts), None)
        if target is None:
            return {"ok": False, "error": "thread_not_found"}
        root = str(target.get("thread_ts") or ts)
        thread = [m for m in messages if m["ts"] == root or m.get("thread_ts") == root]
        oldest = float(params.get("oldest") or 0)
        parent, replies = thread[0], [m for m in thread[1:] if float(m["ts"]) >= oldest]
        limit = int(params.get("limit") or 10)
        page = [parent, *replies][:limit]
        return {"ok": True, "messages": page, "has_more": len(replies) + 1 > limit,
                "response_metadata": {"next_cursor": ""}}  # fmt: skip

    def _permalink(self, params: Params) -> Params:
        channel, ts = str(params.get("channel", "")), str(params.get("message_ts", ""))
        messages = self._channel(params) or []
        if not any(m["ts"] == ts for m in messages):
            return {"ok": False, "error": "message_not_found"}
        link = f"https://{self.domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _step_done(self, params: Params) -> Params:
        if not params.get("function_execution_id") or not isinstance(params.get("outputs"), dict):
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True}

    def _step_failed(self, params: Params) -> Params:
        if not params.get("function_execution_id") or not params.get("error"):
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True}
