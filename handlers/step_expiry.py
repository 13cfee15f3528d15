"""A workflow step held for its runner's link fails, saying to link and run the workflow again,
once the link button has expired unused (else the run would wait forever)."""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.context.fail.async_fail import AsyncFail

from bot.errors import KudosError
from bot.services import Services
from bot.slack.installed_only import in_workspace
from bot.store.held_steps import HeldStep
from handlers.step_kit import not_linked, settle

log = logging.getLogger(__name__)
SWEEP_EVERY = 5.0  # seconds between looks for expired holds


async def fail_expired_steps(services: Services) -> None:
    """Runs for the life of the process (as the directory's upkeep does)."""
    while True:
        try:
            await fail_expired(services)
        except KudosError as error:  # Redis is away: next round
            log.info("held steps not checked: %s", type(error).__name__)
        await asyncio.sleep(SWEEP_EVERY)


async def fail_expired(services: Services) -> None:
    for step in await services.store.steps.expired():
        held = await services.store.steps.claim(step)  # the sign-in may have claimed it
        if held is not None:
            await in_workspace(services.workspaces, held.team_id, fail_step)(services, held)


async def fail_step(services: Services, held: HeldStep) -> None:
    spec = services.registry.get(held.provider).spec
    await settle(AsyncFail(services.slack, held.step)(not_linked(held.user_id, spec)))
