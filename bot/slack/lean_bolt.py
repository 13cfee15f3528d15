"""Bolt's AsyncApp, handing listeners and matchers their arguments without building them all.

For every matcher it tries and every listener it runs, Bolt builds the whole set of injectable
arguments (some 30 values, each payload extracted from the body, then every context entry
copied in: `build_async_required_kwargs`), and keeps the few the function names. A command
registered after others is tried against each of them first, so `/kudos status` paid for four
such sets and a block action for a dozen (README, Performance). `LeanApp` builds only the
values a function names, each exactly as Bolt would; any name Bolt treats specially (`args`,
`next`, `error`, a method's `self`) or does not know goes to Bolt's own builder."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from logging import Logger
from pathlib import Path
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.lazy_listener.async_internals import to_runnable_function
from slack_bolt.lazy_listener.asyncio_runner import AsyncioLazyListenerRunner
from slack_bolt.listener.async_listener import AsyncCustomListener
from slack_bolt.listener_matcher.async_listener_matcher import AsyncListenerMatcher
from slack_bolt.logger import get_bolt_app_logger
from slack_bolt.request import payload_utils as payloads
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_bolt.util.utils import get_arg_names_of_callable

from bot.slack.lean_runner import LeanListenerRunner
from bot.slack.request_clients import RequestClients

Given = Callable[[AsyncBoltRequest, BoltResponse | None], Any]
PAYLOADS: Mapping[str, Callable[[dict[str, Any]], Any]] = {
    "options": payloads.to_options,
    "shortcut": payloads.to_shortcut,
    "action": payloads.to_action,
    "view": payloads.to_view,
    "command": payloads.to_command,
    "event": payloads.to_event,
    "message": payloads.to_message,
    "step": payloads.to_step,
}
UTILITIES = (
    *("client", "ack", "say", "respond", "complete", "fail", "set_status", "set_title"),
    *("set_suggested_prompts", "get_thread_context", "save_thread_context", "say_stream"),
)  # properties of the context, made on first use and kept in it
BOLT_OWN = frozenset(("logger", "next", "next_", "error", "args", "self", "cls"))  # per call


def _payload(body: dict[str, Any]) -> Any:
    """Bolt's `payload`: the first payload the body has, else the body."""
    return next((found for to in PAYLOADS.values() if (found := to(body))), None) or body


def _from_context(name: str) -> Given:
    return lambda req, _: getattr(req.context, name)


def _from_body(to: Callable[[dict[str, Any]], Any]) -> Given:
    return lambda req, _: to(req.body)


BOLT_VALUES: dict[str, Given] = {
    "req": lambda req, _: req,
    "request": lambda req, _: req,
    "resp": lambda _, resp: resp,
    "response": lambda _, resp: resp,
    "context": lambda req, _: req.context,
    "body": lambda req, _: req.body,
    "payload": lambda req, _: _payload(req.body),
    **{name: _from_body(to) for name, to in PAYLOADS.items()},
    **{name: _from_context(name) for name in UTILITIES},
}  # what build_async_required_kwargs offers first; the context's own entries after these


def named_values(
    names: Sequence[str], req: AsyncBoltRequest, resp: BoltResponse | None, logger: Logger
) -> dict[str, Any] | None:
    """The values of `names` as Bolt would hand them; None when Bolt must be asked (a name it
    treats specially, or one it does not know and would warn about)."""
    given: dict[str, Any] = {}
    context = req.context
    for name in names:
        if (value_of := BOLT_VALUES.get(name)) is not None:
            given[name] = value_of(req, resp)
        elif name == "logger":
            given[name] = logger
        elif name in context and name not in BOLT_OWN:
            given[name] = context[name]
        else:
            return None
    return given


class LeanMatcher(AsyncListenerMatcher):
    """One of Bolt's matchers (built-in or custom: each has `func`, `arg_names`, `logger`),
    called with only the values it names."""

    def __init__(self, bolt: Any) -> None:
        self._bolt, self._func = bolt, bolt.func
        self._names, self._logger = list(bolt.arg_names), bolt.logger

    async def async_matches(self, req: AsyncBoltRequest, resp: BoltResponse) -> bool:
        given = named_values(self._names, req, resp, self._logger)
        if given is None:
            return bool(await self._bolt.async_matches(req, resp))
        return bool(await self._func(**given))


class LeanListener(AsyncCustomListener):
    """A listener whose ack function gets only the values it names."""

    async def run_ack_function(
        self, *, request: AsyncBoltRequest, response: BoltResponse
    ) -> BoltResponse | None:
        given = named_values(self.arg_names, request, response, self.logger)
        if given is None:
            return await super().run_ack_function(request=request, response=response)
        answer: BoltResponse | None = await self.ack_function(**given)
        return answer


def lean(matcher: AsyncListenerMatcher) -> AsyncListenerMatcher:
    """Bolt's matchers that call a function with injected values, made lean; others as they are."""
    has_function = all(hasattr(matcher, name) for name in ("func", "arg_names", "logger"))
    return LeanMatcher(matcher) if has_function else matcher


class LeanLazyRunner(AsyncioLazyListenerRunner):
    """Bolt's runner of lazy listeners, which reads each function's parameters (`inspect`) and
    builds the full set of values on every run: here, the names once per function."""

    def __init__(self, logger: Logger) -> None:
        super().__init__(logger)
        self._names: dict[Callable[..., Any], list[str]] = {}
        self._running: set[asyncio.Task[None]] = set()  # referenced until done (Bolt's are not)

    def start(self, function: Callable[..., Awaitable[None]], request: AsyncBoltRequest) -> None:
        task = asyncio.ensure_future(self.run(function, request))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def run(
        self, function: Callable[..., Awaitable[None]], request: AsyncBoltRequest
    ) -> None:
        names = self._names.get(function)
        if names is None:
            names = self._names[function] = get_arg_names_of_callable(function)
        given = named_values(names, request, None, self.logger)
        if given is None:
            await to_runnable_function(function, self.logger, request)
            return
        try:
            await function(**given)
        except Exception as error:  # as Bolt's own runner does (listeners report their errors)
            self.logger.error(f"Failed to run an internal function ({error})")


class LeanApp(AsyncApp):
    """AsyncApp whose listeners (and their matchers) and lazy listeners are lean, and whose
    runner awaits the ack rather than polling for it (`lean_runner`). Bolt has no
    public hook for the listener class, so its registration is followed here: Bolt's listener,
    rebuilt as one; the lazy runner is the listener runner's public attribute."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("name", Path(inspect.stack()[1].filename).name)  # as Bolt names it
        super().__init__(**options)
        self._async_listener_runner = LeanListenerRunner(self._async_listener_runner)
        self.listener_runner.lazy_listener_runner = LeanLazyRunner(self.logger)
        self._clients = RequestClients(self._async_client, self._token)

    def _init_context(self, req: AsyncBoltRequest) -> None:
        """Bolt's, with each request's client copied rather than built (request_clients.py)."""
        req.context["logger"] = get_bolt_app_logger(self.name, base_logger=self._base_logger)
        req.context["token"] = self._token
        req.context["client"] = self._clients.for_team(req.context.team_id)
        req.context["listener_runner"] = self.listener_runner

    def _register_listener(self, *args: Any, **kwargs: Any) -> Any:
        returned = super()._register_listener(*args, **kwargs)
        bolt = self._async_listeners[-1]
        assert isinstance(bolt, AsyncCustomListener)  # what Bolt's registration makes
        self._async_listeners[-1] = LeanListener(
            app_name=bolt.app_name,
            ack_function=bolt.ack_function,
            lazy_functions=bolt.lazy_functions,
            matchers=[lean(matcher) for matcher in bolt.matchers],
            middleware=bolt.middleware,
            auto_acknowledgement=bolt.auto_acknowledgement,
            ack_timeout=bolt.ack_timeout,
            base_logger=self._base_logger,
        )
        return returned
