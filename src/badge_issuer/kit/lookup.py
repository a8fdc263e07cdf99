"""The one shape of "look it up or fail": a repository's `X | None` turned into `X` or an error."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def found(value: T | None, error: Exception) -> T:
    """Return `value`, or raise `error` when the lookup found nothing (usually a 404 problem)."""
    if value is None:
        raise error
    return value
