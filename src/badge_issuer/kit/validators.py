"""Pydantic after-validators made from a test and the message that explains a refusal.

Most field checks are one test, e.g. a pattern's `fullmatch` or a forbidden character's `search`;
these build the validator so each schema module states only the test and the message.
"""

from __future__ import annotations

from collections.abc import Callable

StrCheck = Callable[[str], str]


def require(test: Callable[[str], object], message: str) -> StrCheck:
    """Return a validator that keeps a value `test` accepts and refuses any other with `message`."""

    def check(value: str) -> str:
        if not test(value):
            raise ValueError(message)
        return value

    return check


def refuse(test: Callable[[str], object], message: str) -> StrCheck:
    """Return a validator that refuses a value `test` accepts (e.g. a forbidden character found)."""

    def check(value: str) -> str:
        if test(value):
            raise ValueError(message)
        return value

    return check
