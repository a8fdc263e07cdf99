"""Insert a row once, however many transactions race to insert it (a unique key decides)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

T = TypeVar("T")

# Built once per (dialect, entity, key): building a statement costs about as much as running it.
_statements: dict[tuple[str, type[Any], tuple[str, ...]], ReturningInsert[Any]] = {}


def insert_once(
    session: Session, entity: type[T], values: Mapping[str, Any], *, key: Sequence[str]
) -> T | None:
    """Insert a row of `entity` unless one with the same unique `key` columns exists; return
    the inserted row (persistent in the session), or None when the key was taken.

    One statement, `INSERT … ON CONFLICT (key) DO NOTHING RETURNING`, instead of an INSERT in
    a savepoint: losing the race leaves the caller's transaction usable, and PostgreSQL waits
    for a concurrent transaction inserting the same key to end before deciding, as it did for
    the unique violation. Only a conflict on `key` is absorbed; any other constraint raises.
    """
    dialect = session.get_bind().dialect.name
    cache_key = (dialect, entity, tuple(key))
    statement = _statements.get(cache_key)
    if statement is None:
        insert = sqlite.insert(entity) if dialect == "sqlite" else postgresql.insert(entity)
        statement = insert.on_conflict_do_nothing(index_elements=key).returning(entity)
        _statements[cache_key] = statement
    row: T | None = session.scalars(statement, dict(values)).first()
    return row


def insert_or_stored(
    session: Session,
    entity: type[T],
    values: Mapping[str, Any],
    *,
    key: Sequence[str],
    stored: Callable[[], T | None],
) -> tuple[T, bool]:
    """Insert a row (see `insert_once`) and return (it, True); if another transaction stored
    the same key first, return (that stored row, found by `stored`, False)."""
    row = insert_once(session, entity, values, key=key)
    if row is not None:
        return row, True
    winner = stored()
    if winner is None:  # the key was taken, so a committed row has it: never expected
        raise RuntimeError(f"{entity.__name__}: {tuple(key)} conflicted, yet no row has it")
    return winner, False
