"""A `json.loads` object hook that refuses an object naming a member twice.

JSON parsers disagree on which value of a repeated member wins, so text that repeats one is
ambiguous; every strict reader raises on it (each turns the error into its own problem).
"""

from __future__ import annotations

from typing import Any


class DuplicateMember(ValueError):
    """A JSON object names `name` twice; `str(error)` is the name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build a JSON object from its members (`object_pairs_hook`); raise DuplicateMember."""
    members: dict[str, Any] = {}
    for name, value in pairs:
        if name in members:
            raise DuplicateMember(name)
        members[name] = value
    return members
