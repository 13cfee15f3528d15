"""7Geese's GraphQL, as the simulated network (and the tests' fake) answer it: the two queries
the adapter asks, profiles(user_Email:) and badges(first:, after:)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sandbox.people import Json, Member
from sandbox.sevengeese_data import Badge, picture

STRING = r'"((?:[^"\\]|\\.)*)"'
PROFILES = re.compile(r"\bprofiles\s*\(\s*user_Email\s*:\s*(?:\$(\w+)|" + STRING + r")\s*\)")
BADGES_QUERY = re.compile(r"\bbadges\s*(?:\(([^)]*)\))?")
ARGUMENT = re.compile(r"(\w+)\s*:\s*(?:\$(\w+)|(\d+)|" + STRING + r")")


def graphql(
    query: str,
    variables: Mapping[str, Any],
    people: Iterable[Member],
    badges: list[Badge],
    base: str,
) -> Json:
    """Answer the two supported queries: profiles(user_Email:) and badges(first:, after:)."""
    data: Json = {}
    if found := PROFILES.search(query):
        email = variables.get(found[1]) if found[1] else _literal(found[2])
        if not isinstance(email, str):
            return {"errors": [{"message": "user_Email must be a String"}]}
        nodes = [_profile_node(p, base) for p in people if p.email.lower() == email.lower()]
        data["profiles"] = {"edges": [{"node": n} for n in nodes]}
    if found := BADGES_QUERY.search(query):
        page = badges_page(badges, _arguments(found[1] or "", variables))
        if isinstance(page, str):
            return {"errors": [{"message": page}]}
        data["badges"] = page
    if not data:
        return {"errors": [{"message": "Unknown query: the fake knows profiles and badges"}]}
    return {"data": data}


def _arguments(text: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    """A field's arguments, with $variables replaced by their values."""
    found: dict[str, Any] = {}
    for name, variable, number, string in ARGUMENT.findall(text):
        if variable:
            found[name] = variables.get(variable)
        else:
            found[name] = int(number) if number else _literal(string)
    return found


def badges_page(badges: list[Badge], arguments: Mapping[str, Any]) -> Json | str:
    """A Relay page of `badges`: `first` of them after the cursor `after` (the pk it follows)."""
    first, after = arguments.get("first", len(badges)), arguments.get("after")
    if type(first) is not int or first < 0:
        return "first must be a non-negative Int"
    cursors = [str(pk) for pk, _, _ in badges]
    if after is not None and str(after) not in cursors:
        return "after is not a cursor of badges"
    start = 0 if after is None else cursors.index(str(after)) + 1
    chunk = badges[start : start + first]
    nodes = [{"pk": pk, "name": name, "active": on} for pk, name, on in chunk]
    info = {
        "hasNextPage": start + first < len(badges),
        "endCursor": cursors[start + len(chunk) - 1] if chunk else None,
    }
    return {"edges": [{"node": n} for n in nodes], "pageInfo": info}


def _literal(text: str) -> str | None:
    """A GraphQL string literal's value (its escapes are JSON's), or None if malformed."""
    try:
        value = json.loads(f'"{text}"')
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _profile_node(person: Member, base: str) -> Json:
    return {
        "pk": int(person.id),
        "fullName": f"{person.first} {person.last}",
        "user": {"email": person.email},
        "position": person.title,
        "profileImageUrl": picture(person, base),
    }
