"""Bolt's listener runner, with the ack awaited rather than polled.

Bolt (process_before_response=False) starts the ack function as a task, then polls
`while ack.response is None: await asyncio.sleep(0.01)` until it is set or `ack_timeout` has
passed: every request paid at least one 10 ms timer sleep (a wake-up, and up to 10 ms on its ack).
`LeanListenerRunner` puts an ack in the context that resolves a future when its response is set
(by `ack()`, or by the error path), and waits on that future within the same `ack_timeout`. The
function runs on after the ack as before; everything else (lazy listeners, the error handler,
what is returned) is Bolt's."""

from __future__ import annotations

import asyncio
import copy
import time
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.listener.async_listener import AsyncListener
from slack_bolt.listener.asyncio_runner import AsyncioListenerRunner
from slack_bolt.logger.messages import warning_did_not_call_ack
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse


class AnsweredAck(AsyncAck):
    """Bolt's ack, whose `answered` future resolves when its response is first set."""

    def __init__(self) -> None:
        self.answered: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        super().__init__()  # type: ignore[no-untyped-call]  # Bolt leaves it untyped

    @property  # Bolt's plain attribute, observed
    def response(self) -> BoltResponse | None:
        return self._response

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        self._response = value
        if value is not None and not self.answered.done():
            self.answered.set_result(None)

    def __deepcopy__(self, memo: dict[int, Any]) -> AsyncAck:
        """Bolt's own ack, as a lazy listener's copy of the request holds (a future won't copy)."""
        copied = AsyncAck()  # type: ignore[no-untyped-call]  # Bolt leaves it untyped
        copied.response = copy.deepcopy(self.response, memo)
        return copied


class LeanListenerRunner(AsyncioListenerRunner):
    """Bolt's runner, built from the app's own; a request whose ack is already in its context,
    a lazy-only request, or process_before_response go to Bolt's code unchanged."""

    def __init__(self, bolt: AsyncioListenerRunner) -> None:
        super().__init__(
            logger=bolt.logger,
            process_before_response=bolt.process_before_response,
            listener_error_handler=bolt.listener_error_handler,
            listener_start_handler=bolt.listener_start_handler,
            listener_completion_handler=bolt.listener_completion_handler,
            lazy_listener_runner=bolt.lazy_listener_runner,
        )
        self._running: set[asyncio.Task[None]] = set()  # referenced until done (Bolt's are not)

    async def run(
        self,
        request: AsyncBoltRequest,
        response: BoltResponse,
        listener_name: str,
        listener: AsyncListener,
        starting_time: float | None = None,
    ) -> BoltResponse | None:
        context = request.context
        plain = self.process_before_response or request.lazy_only or request.lazy_function_name
        if plain or "ack" in context:
            return await super().run(request, response, listener_name, listener, starting_time)
        starting_time = starting_time if starting_time is not None else time.time()
        ack = context["ack"] = AnsweredAck()
        if listener.auto_acknowledgement:
            await ack()
        self._start_ack_function(ack, request, response, listener)
        for lazy_function in listener.lazy_functions:
            self._start_lazy_function(lazy_function, request)
        await _answered(ack, listener.ack_timeout - (time.time() - starting_time))
        if response is not None:
            return response
        if ack.response is None:
            self.logger.warning(warning_did_not_call_ack(listener_name))
            return None
        self._debug_log_completion(starting_time, ack.response)
        return ack.response

    def _start_ack_function(
        self, ack: AsyncAck, request: AsyncBoltRequest, response: Any, listener: AsyncListener
    ) -> None:
        task = asyncio.ensure_future(self._run_ack_function(ack, request, response, listener))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run_ack_function(
        self, ack: AsyncAck, request: AsyncBoltRequest, response: Any, listener: AsyncListener
    ) -> None:
        """Bolt's own: an error goes to the app's error handler (a 500 only when unacked and
        the handler leaves it so; ours does not)."""
        try:
            await self.listener_start_handler.handle(request=request, response=response)
            await listener.run_ack_function(request=request, response=response)
        except Exception as error:  # as Bolt's runner does: the app's error handler reports it
            response = response or BoltResponse(status=500)
            response.status = 500
            if ack.response is not None:  # already acknowledged
                response = None
            await self.listener_error_handler.handle(
                error=error, request=request, response=response
            )
            ack.response = response
        finally:
            await self.listener_completion_handler.handle(request=request, response=response)


async def _answered(ack: AnsweredAck, within: float) -> None:
    """Until the ack has its response, or `within` seconds have passed: a timer then marks the
    wait over (a later `ack()` still sets the response). Cheaper than `asyncio.wait`, which
    builds a set, a waiter and callbacks for the one future (README, Performance)."""
    answered = ack.answered
    if answered.done() or within <= 0:
        return
    timer = asyncio.get_running_loop().call_later(within, _stop_waiting, answered)
    try:
        await answered
    finally:
        timer.cancel()  # a TimerHandle: nothing runs that could need stopping


def _stop_waiting(answered: asyncio.Future[None]) -> None:
    if not answered.done():
        answered.set_result(None)
