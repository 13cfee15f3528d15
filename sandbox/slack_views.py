"""The simulated `views.*` methods: modals opened by trigger, updated by id and hash, Home."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.people import BY_SLACK_ID
from sandbox.slack_records import Json, View
from sandbox.workspace import Workspace

Method = Callable[[Json, str], Json]
MAX_TITLE, MAX_BLOCKS = 24, 100  # Slack's limits on a modal


def view_problem(view: Any, kind: str) -> str:
    """Slack's error for a view it would refuse, or ""."""
    if not isinstance(view, dict) or view.get("type") != kind:
        return "invalid_arguments"
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS:
        return "invalid_arguments"
    title = (view.get("title") or {}).get("text", "") if kind == "modal" else "home"
    if not title or len(title) > MAX_TITLE:
        return "invalid_arguments"
    return ""


def answer(view: View) -> Json:
    return {"ok": True, "view": view.to_json()}


class ViewMethods:
    """views.open, views.push, views.update and views.publish on one workspace."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def methods(self) -> dict[str, Method]:
        return {
            "views.open": lambda params, base: self.opened(params, push=False),
            "views.push": lambda params, base: self.opened(params, push=True),
            "views.update": lambda params, base: self.update(params),
            "views.publish": lambda params, base: self.publish(params),
        }

    def opened(self, params: Json, *, push: bool) -> Json:
        """A modal opened (or pushed) for the person the trigger_id belongs to."""
        problem = view_problem(params.get("view"), "modal")
        if problem:
            return {"ok": False, "error": problem}
        user, problem = self.workspace.take_trigger(str(params.get("trigger_id", "")))
        if user is None:
            return {"ok": False, "error": problem}
        if push and self.workspace.top_view(user) is None:
            return {"ok": False, "error": "not_found"}
        return answer(self.workspace.open_view(user, params["view"], push=push))

    def update(self, params: Json) -> Json:
        """A view replaced by id, unless `hash` says it changed meanwhile."""
        view = self.workspace.view(str(params.get("view_id", "")))
        if view is None:
            return {"ok": False, "error": "not_found"}
        kind = "home" if self.workspace.homes.get(view.user) is view else "modal"
        problem = view_problem(params.get("view"), kind)
        if problem:
            return {"ok": False, "error": problem}
        if params.get("hash") and params["hash"] != view.hash:
            return {"ok": False, "error": "hash_conflict"}
        return answer(self.workspace.update_view(view, params["view"]))

    def publish(self, params: Json) -> Json:
        """A person's Home tab."""
        user = str(params.get("user_id", ""))
        if user not in BY_SLACK_ID:
            return {"ok": False, "error": "user_not_found"}
        problem = view_problem(params.get("view"), "home")
        if problem:
            return {"ok": False, "error": problem}
        current = self.workspace.homes.get(user)
        if params.get("hash") and current is not None and params["hash"] != current.hash:
            return {"ok": False, "error": "hash_conflict"}
        return answer(self.workspace.publish_home(user, params["view"]))
