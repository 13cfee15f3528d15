"""The Give recognition step's Value menu in Workflow Builder: a custom step Slack runs while a
workflow is being built (dynamic options), answering with the platform's values as the builder
sees them. Slack wants the options before the ack, so this runs inside Slack's 3 seconds."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.complete.async_complete import AsyncComplete
from slack_bolt.context.fail.async_fail import AsyncFail

from bot.errors import KudosError, NotLinked
from bot.models import Actor
from bot.platforms.registry import Registry
from bot.recognition.lookups import Lookups
from bot.runtime import tasks
from handlers.step_kit import settle, user_in
from handlers.value_select import options
from handlers.words import said

log = logging.getLogger(__name__)
VALUES_STEP = "recognition_values"  # the options function's callback_id in manifest.yml
VALUES_BUDGET = 2.0  # seconds for the platform: Slack waits 3 for the whole answer


async def list_values(
    ack: AsyncAck,
    inputs: dict[str, Any] | None,
    actor: Actor,
    complete: AsyncComplete,
    fail: AsyncFail,
    registry: Registry,
    lookups: Lookups,
) -> None:
    """Complete with the builder's platform values, then ack (Slack's order for dynamic options)."""
    try:
        spec = registry.get().spec
        builder = user_in((inputs or {}).get("builder"))
        if builder is None:
            raise KudosError("no_builder")
        owner = dataclasses.replace(actor, user_id=builder).owner(spec.name)
        values = await tasks.within(VALUES_BUDGET, lookups.values(owner))
        await settle(complete({"options": options(values)}))
    except NotLinked:
        await settle(
            fail(f"Link your {spec.display_name} account (`/kudos link`) to pick a value.")
        )
    except TimeoutError:
        await settle(fail("The platform didn't answer in time. Open the step again to retry."))
    except KudosError as error:
        await settle(fail(said(error)))
    finally:
        await ack()


def register(app: AsyncApp) -> None:
    app.function(VALUES_STEP, auto_acknowledge=False)(list_values)
