"""How facts are said: the parts of handlers/words.py's table that are more than a template."""

from __future__ import annotations

import math
from collections.abc import Callable

from bot.errors import DirectoryCause, Fact, Facts

Words = Callable[[Facts], str]


def fact(facts: Facts, key: str) -> str:
    """A fact as words: names joined by commas, nothing for a fact that isn't there."""
    value: Fact = facts.get(key)
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)


class Holes(dict[str, str]):
    """A template's fillings: a hole with no fact stays empty rather than failing the words."""

    def __missing__(self, key: str) -> str:
        return ""


def template(pattern: str) -> Words:
    """Words with `{name}`-style holes filled from the facts."""
    return lambda facts: pattern.format_map(Holes({key: fact(facts, key) for key in facts}))


def wait_words(seconds: float) -> str:
    """A wait as people say it: '45 seconds', '3 minutes', '2 hours'."""
    whole = max(1, math.ceil(seconds))
    for unit, size in (("hour", 3600), ("minute", 60)):
        if whole >= 1.5 * size:
            count = math.ceil(whole / size)
            return f"{count} {unit}s"
    return f"{whole} second" + ("" if whole == 1 else "s")


def forbidden(facts: Facts) -> str:
    named, configured = fact(facts, "named"), fact(facts, "configured")
    if named:
        why = f": it needs the `{named}` scope"
    elif configured:
        why = f" (the app asks for `{configured}`)"
    else:
        why = ""
    name = fact(facts, "name")
    return f"{name} says this app lacks permission for that{why}. Please tell your Slack admin."


def busy(facts: Facts) -> str:
    name, wait = fact(facts, "name"), facts.get("wait")
    if not isinstance(wait, int | float):
        return f"{name} is busy right now. Please try again in a minute."
    return f"{name} is busy and asked us to wait {wait_words(wait)}. Please try again after that."


def refused(facts: Facts) -> str:
    nothing = "" if facts.get("safe") else " Nothing was sent."
    return f"{fact(facts, 'name')} refused the request ({fact(facts, 'status')}).{nothing}"


ADMIN_CHECKS: dict[DirectoryCause, str] = {
    "credentials": "that {env}__CLIENT_ID and {env}__CLIENT_SECRET are the API credentials "
    "{name} issued (it refused them)",
    "scope": "that {env}__ENTITY_ID is the id of your {name} account, the one the API "
    "credentials belong to ({name} refused access to it)",
    "permission": "that the {name} API credentials have the permission to read employees",
    "unreachable": "that {name} is reachable from the bot at {env}__BASE_URL (it didn't answer, "
    "or something else answered)",
    "other": "the bot's logs",
}


def directory_failure(facts: Facts) -> str:
    """What the user (and their admin) reads when the walk of a platform's people failed."""
    name, cause = fact(facts, "name"), fact(facts, "cause")
    check = ADMIN_CHECKS.get(cause, ADMIN_CHECKS["other"])  # type: ignore[call-overload]
    check = check.format(env=fact(facts, "provider").upper(), name=name)
    return (
        f"I couldn't read the {name} company directory, so I can't look people up yet. "
        f"Ask your Slack admin to check {check}."
    )


def partly_refused(facts: Facts) -> str:
    return (
        f"{fact(facts, 'name')} has it for {fact(facts, 'got')} but refused it for "
        f"{fact(facts, 'refused')}. Retry sends it only to whoever doesn't have it yet."
    )
