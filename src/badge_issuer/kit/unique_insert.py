"""Insert a row once, however many transactions race to insert it (a unique key decides)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Table, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.sql.dml import ReturningInsert

from badge_issuer.kit import prepared

T = TypeVar("T")

# Built once per (dialect, table, key): building a statement costs about as much as running it.
_statements: dict[tuple[str, Table, tuple[str, ...]], ReturningInsert[Any]] = {}
_attribute_names: dict[type[Any], dict[str, str]] = {}


def insert_row_once(
    session: Session, entity: type[Any], values: Mapping[str, Any], *, key: Sequence[str]
) -> dict[str, Any] | None:
    """Insert a row of `entity` unless one with the same unique `key` columns exists; return
    the inserted row's columns by name, or None when the key was taken.

    One Core statement, `INSERT … ON CONFLICT (key) DO NOTHING RETURNING`, instead of an ORM
    INSERT in a savepoint: losing the race leaves the caller's transaction usable, and
    PostgreSQL waits for a concurrent transaction inserting the same key to end before deciding,
    as it did for the unique violation. Only a conflict on `key` is absorbed; any other
    constraint raises. (Core: a third of the ORM's bulk INSERT in CPU, measured; on the
    driver's cursor, `kit.prepared`, a third again.)
    """
    table: Table = entity.__table__
    dialect = session.get_bind().dialect.name
    cache_key = (dialect, table, tuple(key))
    statement = _statements.get(cache_key)
    if statement is None:
        insert = sqlite.insert(table) if dialect == "sqlite" else postgresql.insert(table)
        statement = insert.on_conflict_do_nothing(index_elements=key).returning(*table.c)
        _statements[cache_key] = statement
    found = prepared.rows(session, statement, values)
    return dict(zip(table.c.keys(), found[0], strict=True)) if found else None


def insert_once(
    session: Session, entity: type[T], values: Mapping[str, Any], *, key: Sequence[str]
) -> T | None:
    """`insert_row_once`, the row given back as a persistent object of the session (as if it
    had been loaded: no further SQL), or None when the key was taken."""
    row = insert_row_once(session, entity, values, key=key)
    return None if row is None else attached(session, entity, row)


def attached(session: Session, entity: type[T], row: Mapping[str, Any]) -> T:
    """A row read or written by Core (its columns by name) as a persistent object of the
    session, as if the ORM had loaded it (no further SQL); the session's own object when it
    holds that row already, as the ORM's loading would return it."""
    mapper = inspect(entity)
    names = _attribute_names.get(entity)
    if names is None:
        names = {c.key: a.key for a in mapper.column_attrs for c in a.columns}
        _attribute_names[entity] = names
    identity = mapper.identity_key_from_primary_key([row[c.key] for c in mapper.primary_key])
    held = session.identity_map.get(identity)
    if held is not None:
        return cast(T, held)
    instance = entity(**{names[column]: value for column, value in row.items()})
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


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
