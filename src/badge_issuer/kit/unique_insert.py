"""Insert a row once, however many transactions race to insert it (a unique key decides)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

T = TypeVar("T")


def insert_or_stored(session: Session, row: T, stored: Callable[[], T | None]) -> tuple[T, bool]:
    """Add `row` and return (row, True); if another transaction stored the same unique key
    first, return (that stored row, False).

    The insert runs in a savepoint, so losing the race leaves the caller's transaction usable
    (PostgreSQL waits for the other transaction to commit before it reports the conflict).
    """
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        winner = stored()
        if winner is None:
            raise
        return winner, False
    return row, True
