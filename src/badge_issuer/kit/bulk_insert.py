"""Insert many rows with one short statement, whatever their number.

SQLAlchemy sends a many-row INSERT … RETURNING as one `VALUES (…), (…), …` statement with a
placeholder per value: for a batch of 200 awards that is 4,000 placeholders, which psycopg
rewrites with a regular expression on every call (statements that long are not cached) and
PostgreSQL parses and plans again each time: a fifth of the bulk importer's CPU, measured. On
PostgreSQL each column is sent instead as one array parameter and the rows are rebuilt by
`unnest`: a statement of a few hundred bytes, the same for every batch. SQLite keeps
SQLAlchemy's executemany (its statements cost no round trip and its driver no rewriting).

A TEXT column (long values: signed documents) goes as one JSON array instead, turned back
into an array by the server: psycopg writes a text array in Python, escaping each value with
a regular expression (90 ms for a batch of 200 documents, measured), where `json.dumps`
escapes in C and the server parses JSON in C.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Row, String, Table, Text, bindparam, cast, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY, JSON, aggregate_order_by
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import NullType, TypeEngine

_statements: dict[tuple[Table, tuple[str, ...], tuple[str, ...]], Insert] = {}


def insert_many(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    returning: Sequence[str] = (),
) -> Sequence[Row[Any]]:
    """Insert `rows` (every one with the same keys) in the caller's transaction; the
    `returning` columns of the inserted rows, in no promised order (match them by a unique
    key)."""
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        statement = insert(table)
        if returning:
            found = session.execute(statement.returning(*(table.c[n] for n in returning)), rows)
            return found.all()
        session.execute(statement, list(rows))
        return []
    names = tuple(rows[0])
    columns: dict[str, Any] = {name: [row[name] for row in rows] for name in names}
    for name in names:
        if _as_json(table.c[name]):
            columns[name] = json.dumps(columns[name], ensure_ascii=False, separators=(",", ":"))
    result = session.execute(_unnest_insert(table, names, tuple(returning)), columns)
    return result.all() if returning else []


def _unnest_insert(table: Table, names: tuple[str, ...], returning: tuple[str, ...]) -> Insert:
    key = (table, names, returning)
    statement = _statements.get(key)
    if statement is None:
        arrays = [_array(table.c[name]) for name in names]
        rows = func.unnest(*arrays).table_valued(*names).render_derived(name="given")
        statement = insert(table).from_select(list(names), select(*rows.c))
        if returning:
            statement = statement.returning(*(table.c[name] for name in returning))
        _statements[key] = statement
    return statement


def _as_json(column: Column[Any]) -> bool:
    return isinstance(column.type, Text)


def _array(column: Column[Any]) -> ColumnElement[Any]:
    """The column's values as one array parameter, or for TEXT, the array the server makes of
    one JSON array parameter (its elements in order, JSON null as NULL)."""
    if not _as_json(column):
        return bindparam(column.name, type_=ARRAY(_type_of(column)))
    given = cast(bindparam(column.name, type_=Text), JSON)
    elements = (
        func.json_array_elements_text(given)
        .table_valued("value", with_ordinality="n")
        .render_derived()
    )
    ordered = aggregate_order_by(elements.c.value, elements.c.n)
    return select(func.array_agg(ordered)).scalar_subquery()


def _type_of(column: Column[Any]) -> TypeEngine[Any]:
    """The type of the column's array. A foreign key column declared without a type has its
    target's. Strings are sent unbounded: PostgreSQL cuts a value cast to VARCHAR(n) without
    a word, while storing it in the column refuses one too long, as a plain INSERT does."""
    type_ = column.type
    if isinstance(type_, NullType):
        type_ = next(iter(column.foreign_keys)).column.type
    if isinstance(type_, String) and not isinstance(type_, Text) and type_.length is not None:
        return String()
    return type_
