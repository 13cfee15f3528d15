"""The page's clicks: buttons and menus in messages, modals and Home; submitting and closing a
modal, and what the bot's acknowledgement does to it (errors, update, push, clear)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.elements import Chosen, action_of, find_element, form_state
from sandbox.forward import BotLink
from sandbox.page_io import Json, answered, page_request, refused, response_url
from sandbox.payloads import Actor
from sandbox.signing import interaction_body
from sandbox.slack_records import View
from sandbox.slack_views import view_problem
from sandbox.workspace import Workspace

TROUBLE = "We had some trouble connecting. Try again?"  # what Slack shows on a failed submit


def typed_values(body: Json) -> dict[str, Chosen]:
    """What the page says was typed or picked in each input block."""
    raw = body.get("values")
    if not isinstance(raw, dict):
        return {}
    return {str(k): v for k, v in raw.items() if v is None or isinstance(v, str | list)}


def chosen_in(body: Json) -> Chosen:
    value = body.get("value")
    return value if value is None or isinstance(value, str | list) else None


class Interactions:
    """Routes under /sandbox/ for using interactive elements."""

    def __init__(self, workspace: Workspace, bot: BotLink) -> None:
        self.workspace, self.bot = workspace, bot
        self.routes = [
            Route("/sandbox/action", self.action, methods=["POST"]),
            Route("/sandbox/submit", self.submit, methods=["POST"]),
            Route("/sandbox/close", self.close, methods=["POST"]),
        ]

    def own_view(self, actor: Actor, view_id: Any) -> View | None:
        view = self.workspace.view(str(view_id))
        return view if view is not None and view.user == actor.user_id else None

    async def action(self, request: Request) -> Response:
        """A button clicked or an option picked, in a message or in a view."""
        asked = await page_request(request)
        if isinstance(asked, Response):
            return asked
        actor, body = asked
        trigger = self.workspace.new_trigger(actor.user_id)
        if body.get("view_id"):
            payload = self.in_view(actor, body, trigger)
        else:
            payload = self.in_message(request, actor, body, trigger)
        if payload is None:
            return refused(404, "no such element")
        return answered((await self.bot.form(interaction_body(payload))).failure)

    def in_view(self, actor: Actor, body: Json, trigger: str) -> Json | None:
        """block_actions for an element of one of the person's views (modal or Home)."""
        view = self.own_view(actor, body["view_id"])
        blocks = view.body.get("blocks", []) if view is not None else []
        element = find_element(blocks, str(body.get("block_id")), str(body.get("action_id")))
        if view is None or element is None:
            return None
        values, _ = form_state(blocks, typed_values(body))
        action = action_of(element, str(body.get("block_id")), chosen_in(body))
        return actor.view_action(action, view, values, trigger)

    def in_message(self, request: Request, actor: Actor, body: Json, trigger: str) -> Json | None:
        """block_actions for an element of a message the person can see."""
        message = self.workspace.message(str(body.get("channel")), str(body.get("ts")))
        if message is None or message not in self.workspace.visible_to(actor.user_id):
            return None
        element = find_element(
            message.blocks, str(body.get("block_id")), str(body.get("action_id"))
        )
        if element is None:
            return None
        key = self.workspace.new_response_url(actor.user_id, message.channel, message.ts)
        action = action_of(element, str(body.get("block_id")), chosen_in(body))
        return actor.message_action(action, message, response_url(request, key), trigger)

    async def submit(self, request: Request) -> Response:
        """Submit the modal on top: Slack's own checks first, then the bot's answer applies."""
        asked = await page_request(request)
        if isinstance(asked, Response):
            return asked
        actor, body = asked
        view = self.own_view(actor, body.get("view_id"))
        if view is None or view is not self.workspace.top_view(actor.user_id):
            return refused(404, "no such modal")
        values, errors = form_state(view.body.get("blocks", []), typed_values(body))
        if errors:
            view.errors = errors
            self.workspace.touch()
            return answered(errors=errors)
        trigger = self.workspace.new_trigger(actor.user_id)
        ack = await self.bot.form(interaction_body(actor.submission(view, values, trigger)))
        if not ack.ok:
            return answered(TROUBLE)
        return answered(self.apply(view, ack.body))

    def apply(self, view: View, ack: Any) -> str:
        """What a view_submission's acknowledgement does; "" or why it could not be applied."""
        action = ack.get("response_action") if isinstance(ack, dict) else None
        if action is None:
            self.workspace.close_view(view)
        elif action == "errors" and isinstance(ack.get("errors"), dict):
            view.errors = {str(k): str(v) for k, v in ack["errors"].items()}
            self.workspace.touch()
        elif action in ("update", "push") and not view_problem(ack.get("view"), "modal"):
            if action == "update":
                self.workspace.update_view(view, ack["view"])
            else:
                self.workspace.open_view(view.user, ack["view"], push=True)
        elif action == "clear":
            self.workspace.modals[view.user] = []
            self.workspace.touch()
        else:
            return TROUBLE
        return ""

    async def close(self, request: Request) -> Response:
        """Cancel or ×: the modal view closes (the bot asks for no `view_closed`)."""
        asked = await page_request(request)
        if isinstance(asked, Response):
            return asked
        actor, body = asked
        view = self.own_view(actor, body.get("view_id"))
        if view is None:
            return refused(404, "no such modal")
        self.workspace.close_view(view)
        return answered()
