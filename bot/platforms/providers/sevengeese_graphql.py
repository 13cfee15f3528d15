"""7Geese's GraphQL: people by e-mail and badges, with what the confirmed schema lacks assumed.

Every query that asks for an assumed field or argument has a confirmed fallback: if 7Geese
answers `errors`, the same question is asked again with only the confirmed parts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.errors import ProviderError
from bot.models import Person
from bot.platforms.api import PlatformApi
from bot.platforms.fields import obj, objects, require_object, text

# Assumed (seen in public client code, not in the reference): kept here, listed in the README.
ASSUMED = {
    "profile_title": "position",  # on the profiles node
    "profile_picture": "profileImageUrl",  # on the profiles node
    "badges_cursor": "after",  # a Relay argument of badges(...)
    "badges_page_info": "pageInfo { hasNextPage endCursor }",
}
A = ASSUMED
CONFIRMED_PROFILE = "pk fullName user { email }"
PROFILES = (
    "query($email: String!) {{ profiles(user_Email: $email) {{ edges {{ node {{ {} }} }} }} }}"
)
BADGE_NODE = "edges { node { pk name active } }"
BADGES = (
    f"query($first: Int!, $after: String) {{ badges(first: $first, {A['badges_cursor']}: $after)"
    f" {{ {BADGE_NODE} {A['badges_page_info']} }} }}"
)
CONFIRMED_BADGES = f"query($first: Int!) {{ badges(first: $first) {{ {BADGE_NODE} }} }}"
GRAPHQL = "/graphql"
BADGE_PAGE = 100
BADGE_PAGES = 20

Ask = Callable[[str, Mapping[str, Any]], Awaitable[Mapping[str, Any]]]


class QueryRefused(ProviderError):
    """7Geese answered a GraphQL query with `errors`."""


def asker(api: PlatformApi, token: str) -> Ask:
    """Ask 7Geese's GraphQL with this token; an answer with `errors` is `QueryRefused`."""

    async def ask(query: str, variables: Mapping[str, Any]) -> Mapping[str, Any]:
        json = {"query": query, "variables": dict(variables)}
        # only queries go through here, never mutations: safe to retry
        answer = await api.call("POST", GRAPHQL, token, json=json, idempotent=True)
        body = require_object(answer, "7Geese")
        if body.get("errors"):
            raise QueryRefused("query_refused", name="7Geese")
        return obj(body.get("data"))

    return ask


def profiles_query(rich: bool) -> str:
    fields = f"{CONFIRMED_PROFILE} {A['profile_title']} {A['profile_picture']}"
    return PROFILES.format(fields if rich else CONFIRMED_PROFILE)


async def find_profile(ask: Ask, email: str) -> Person | None:
    """The profile with this e-mail (ignoring case): title and picture where 7Geese gives them."""
    try:
        data = await ask(profiles_query(True), {"email": email})
    except QueryRefused:
        data = await ask(profiles_query(False), {"email": email})
    for edge in objects(obj(data.get("profiles")).get("edges")):
        node = obj(edge.get("node"))
        found = text(obj(node.get("user")).get("email"))
        if found and found.casefold() == email.casefold():
            return Person(
                id=text(node.get("pk")) or "",
                name=text(node.get("fullName")) or found,
                email=found,
                title=text(node.get(A["profile_title"])),
                image_url=text(node.get(A["profile_picture"])),
            )
    return None


async def all_badges(ask: Ask) -> list[Mapping[str, Any]]:
    """Every badge node, page after page (Relay cursors), or the first page where unsupported."""
    try:
        return await _paged_badges(ask)
    except QueryRefused:
        data = await ask(CONFIRMED_BADGES, {"first": BADGE_PAGE})
        return [obj(edge.get("node")) for edge in objects(obj(data.get("badges")).get("edges"))]


async def _paged_badges(ask: Ask) -> list[Mapping[str, Any]]:
    nodes: list[Mapping[str, Any]] = []
    after: str | None = None
    for _ in range(BADGE_PAGES):
        badges = obj((await ask(BADGES, {"first": BADGE_PAGE, "after": after})).get("badges"))
        nodes += [obj(edge.get("node")) for edge in objects(badges.get("edges"))]
        info = obj(badges.get("pageInfo"))
        after = text(info.get("endCursor"))
        if info.get("hasNextPage") is not True or not after:
            break
    return nodes
