"""The page's channel: who is who, what a person sees, typing messages and commands, shortcuts
and App Home. Whatever reaches the bot is signed and posted to `/slack/events`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.forward import Ack, BotLink
from sandbox.manifest import BY_CALLBACK, COMMANDS, SHORTCUTS
from sandbox.page_io import actor_of, answered, page_request, refused, response_url
from sandbox.payloads import Actor, escape_typed
from sandbox.people import PEOPLE
from sandbox.signing import command_body, event_body, interaction_body
from sandbox.slack_records import (
    BOT_NAME,
    BOT_USER_ID,
    CHANNEL_ID,
    CHANNEL_NAME,
    SLACKBOT,
    TEAM_NAME,
)
from sandbox.workspace import Workspace

LONG_POLL = 20.0  # seconds a state request waits for a change
REACTION = "clap"  # the page's reaction button: RECOGNIZE_EMOJI's default, which the sandbox uses


def directory() -> dict[str, object]:
    """Everything the page needs to know up front: people, the bot, commands, shortcuts."""
    people = [
        {"id": p.slack_id, "handle": p.handle, "name": p.name, "title": p.title}
        | {"avatar": f"/avatars/{p.slack_id}.svg"}
        for p in PEOPLE
    ]
    return {
        "team": TEAM_NAME,
        "channel": {"id": CHANNEL_ID, "name": CHANNEL_NAME},
        "bot": {"id": BOT_USER_ID, "name": BOT_NAME, "avatar": f"/avatars/{BOT_USER_ID}.svg"},
        "people": people,
        "commands": list(COMMANDS),
        "shortcuts": [vars(shortcut) for shortcut in SHORTCUTS],
        "reaction": REACTION,
    }


class Channel:
    """Routes under /sandbox/ for reading the workspace and talking in it."""

    def __init__(self, workspace: Workspace, bot: BotLink) -> None:
        self.workspace, self.bot = workspace, bot
        self.routes = [
            Route("/sandbox/workspace", self.describe),
            Route("/sandbox/state", self.state),
            Route("/sandbox/say", self.say, methods=["POST"]),
            Route("/sandbox/shortcut", self.shortcut, methods=["POST"]),
            Route("/sandbox/open", self.open_app, methods=["POST"]),
            Route("/sandbox/react", self.react, methods=["POST"]),
        ]

    async def describe(self, request: Request) -> Response:
        return JSONResponse(directory())

    async def state(self, request: Request) -> Response:
        """What the person sees, as soon as it differs from version `since` (a long poll)."""
        if actor_of(request.query_params.get("user")) is None:
            return refused(403, "unknown user: pick one of the demo people")
        since = request.query_params.get("since", "")
        await self.workspace.wait(int(since) if since.isdigit() else -1, LONG_POLL)
        return JSONResponse(self.workspace.snapshot(request.query_params["user"]))

    async def say(self, request: Request) -> Response:
        """A message in the channel, or a slash command when it starts with "/"."""
        asked = await page_request(request)
        if isinstance(asked, Response):
            return asked
        actor, body = asked
        text = str(body.get("text") or "").strip()
        if not text:
            return refused(400, "say something")
        if text.startswith("/"):
            return await self.command(request, actor, text)
        self.workspace.post(CHANNEL_ID, actor.user_id, escape_typed(text))
        return answered()

    async def command(self, request: Request, actor: Actor, typed: str) -> Response:
        """A slash command of the app, with a response_url and a trigger_id, as Slack posts it."""
        name, _, text = typed.partition(" ")
        if name not in COMMANDS:
            self.slackbot(actor, f"{name} is not a valid command.")
            return answered("unknown_command")
        key = self.workspace.new_response_url(actor.user_id, CHANNEL_ID)
        trigger = self.workspace.new_trigger(actor.user_id)
        fields = actor.command(
            name, escape_typed(text.strip()), response_url(request, key), trigger
        )
        ack = await self.bot.form(command_body(fields))
        self.show_ack(actor, name, key, ack)
        return answered(ack.failure)

    def show_ack(self, actor: Actor, name: str, key: str, ack: Ack) -> None:
        """A command's acknowledgement is a message too: ephemeral unless `in_channel`."""
        if not ack.ok:
            self.slackbot(actor, f'{name} failed with the error "{ack.failure}"')
            return
        body = {"text": ack.body} if isinstance(ack.body, str) else ack.body
        if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
            return
        only_for = None if body.get("response_type") == "in_channel" else actor.user_id
        text, blocks = str(body.get("text") or ""), body.get("blocks")
        # As in Slack, the command's response_url can't replace this message (bolt-python#1268)
        self.workspace.post(CHANNEL_ID, BOT_USER_ID, text, blocks, only_for)

    def slackbot(self, actor: Actor, text: str) -> None:
        self.workspace.post(CHANNEL_ID, SLACKBOT, text, None, actor.user_id)

    async def shortcut(self, request: Request) -> Response:
        """A global shortcut, or a message shortcut on a message the person can see."""
        asked = await page_request(request)
        if isinstance(asked, Response):
            return asked
        actor, body = asked
        shortcut = BY_CALLBACK.get(str(body.get("callback_id")))
        if shortcut is None:
            return refused(404, "no such shortcut")
        trigger = self.workspace.new_trigger(actor.user_id)
        if shortcut.type == "global":
            payload = actor.shortcut(shortcut.callback_id, trigger)
        else:
            message = self.workspace.message(str(body.get("channel")), str(body.get("ts")))
            if message is None or message not in self.workspace.visible_to(actor.user_id):
                return refused(404, "no such message")
            key = self.workspace.new_response_url(actor.user_id, message.channel)
            url = response_url(request, key)
            payload = actor.message_shortcut(shortcut.callback_id, message, url, trigger)
        return answered((await self.bot.form(interaction_body(payload))).failure)

    async def open_app(self, request: Request) -> Response:
        """Opening the app's Home or Messages tab: the `app_home_opened` event."""
        asked = await page_request(request)
        if isinstance(asked, Response):
            return asked
        actor, body = asked
        tab = "messages" if body.get("tab") == "messages" else "home"
        home = self.workspace.homes.get(actor.user_id)
        ack = await self.bot.event(event_body(actor.home_opened(tab, home)))
        return answered(ack.failure)

    async def react(self, request: Request) -> Response:
        """A :clap: reaction on a message in the channel: the `reaction_added` event."""
        asked = await page_request(request)
        if isinstance(asked, Response):
            return asked
        actor, body = asked
        message = self.workspace.message(CHANNEL_ID, str(body.get("ts")))
        if message is None or message.only_for is not None:
            return refused(404, "no such message")
        ack = await self.bot.event(event_body(actor.reaction_added(message, REACTION)))
        return answered(ack.failure)
