"""Listener decorators that need request values of their own. Bolt hands a listener the values
its parameters name (read with `inspect.getfullargspec` of the unwrapped function), so the
wrapper declares the listener's names plus its own, and passes on only the listener's."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

Listener = Callable[..., Awaitable[None]]
Around = Callable[[dict[str, Any], Callable[[], Awaitable[None]]], Awaitable[None]]
NAMED = inspect.Parameter.POSITIONAL_OR_KEYWORD  # getfullargspec's `args`: what Bolt injects


def declaring(needs: Sequence[str], around: Around) -> Callable[[Listener], Listener]:
    """A decorator running the listener inside `around(given, run)`, where `given` holds the
    values of the listener's parameters and of `needs`, and `run()` calls the listener."""

    def decorate(listener: Listener) -> Listener:
        own = list(inspect.signature(listener).parameters)
        names = [*own, *(name for name in needs if name not in own)]

        async def wrapper(**given: Any) -> None:
            await around(given, lambda: listener(**{name: given[name] for name in own}))

        functools.update_wrapper(wrapper, listener)
        del wrapper.__wrapped__  # type: ignore[attr-defined]  # Bolt unwraps, then reads names
        wrapper.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter(name, NAMED) for name in names]
        )
        return wrapper

    return decorate
