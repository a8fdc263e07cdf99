"""Run a prebuilt Core statement on the driver's cursor, compiled once per dialect.

SQLAlchemy's execution around a statement (the ORM session's execute, the compiled cache
lookup, the execution context, result metadata, events) costs several times what SQLite spends
on the statement itself: measured on the completion webhook, about 0.2–0.3 ms of Python around
about 0.05 ms in SQLite for each of its statements. Here the SQL and its bind processors are
made once per (statement, dialect, parameter names); each call only converts the values with
the same processors SQLAlchemy would use (aware datetimes, JSON, enums), runs the cursor, and
converts the returned columns with their types' result processors.

Only for statements built once (module constants): the cache is keyed by the statement object.
Statements that need what SQLAlchemy computes at execution (Python-side column defaults,
expanding IN lists) and connections that something listens to (tracing, statement counting)
go through SQLAlchemy as usual, so each statement still shows there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import CursorResult, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeEngine

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Prepared:
    sql: str
    # Parameter names: in order for a positional driver (SQLite), else as the SQL names them.
    names: tuple[tuple[str, str], ...]
    positional: bool
    # Values bound in the statement itself (`column == 1`), already processed.
    constants: Mapping[str, Any]
    processors: Mapping[str, Processor]
    result_types: tuple[TypeEngine[Any], ...]
    # The result processors by the driver's type codes of the columns (psycopg reports each
    # column's type; SQLite none): looked up once per set of codes, not per row or per call.
    converters: dict[tuple[Any, ...], list[Processor | None]] = field(default_factory=dict)


_prepared: dict[tuple[int, str, frozenset[str]], _Prepared | None] = {}
_statements: dict[int, Executable] = {}  # keeps each cached statement (its id) alive
_guard = threading.Lock()
_MAX_ENTRIES = 256


def rows(
    session: Session, statement: Executable, params: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """The statement's rows (none for a write without RETURNING), in the session's transaction.

    Pending ORM changes are flushed first, as the session's autoflush would before a statement.
    """
    if session.autoflush:
        session.flush()
    connection = session.connection()  # begins the transaction, as the session's execute would
    prepared = _prepare(statement, connection.dialect, params)
    dispatch = connection.dispatch
    if prepared is None or dispatch.before_cursor_execute or dispatch.after_cursor_execute:
        result = session.execute(statement, dict(params))
        if isinstance(result, CursorResult) and not result.returns_rows:
            return []
        return [tuple(row) for row in result]
    return _run(connection.connection, connection.dialect, prepared, params)


def run_prepared(
    raw: PoolProxiedConnection,
    dialect: Dialect,
    statement: Executable,
    params: Mapping[str, Any],
) -> list[tuple[Any, ...]]:
    """The statement's rows on a pooled driver connection, in its current transaction (for
    callers that hold the driver connection itself; nothing listens there)."""
    found = _prepare(statement, dialect, params)
    if found is None:
        raise ValueError("this statement needs SQLAlchemy's execution (defaults, expanding IN)")
    return _run(raw, dialect, found, params)


def _run(
    raw: PoolProxiedConnection, dialect: Dialect, prepared: _Prepared, params: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    processors, constants = prepared.processors, prepared.constants

    def value(name: str) -> Any:
        if name in constants:
            return constants[name]
        given = params[name]
        processor = processors.get(name)
        return given if processor is None else processor(given)

    arguments: Sequence[Any] | dict[str, Any]
    if constants or processors:
        if prepared.positional:
            arguments = tuple(value(name) for name, _ in prepared.names)
        else:
            arguments = {escaped: value(name) for name, escaped in prepared.names}
    elif prepared.positional:  # the values as given (most reads): no per-value call
        arguments = tuple([params[name] for name, _ in prepared.names])
    else:
        arguments = {escaped: params[name] for name, escaped in prepared.names}
    cursor = raw.cursor()
    try:
        cursor.execute(prepared.sql, arguments)
        description = cursor.description
        if description is None:
            return []
        fetched = cursor.fetchall()
        codes = tuple([column[1] for column in description])
        convert = prepared.converters.get(codes)
        if convert is None:
            convert = prepared.converters[codes] = [
                kind._cached_result_processor(dialect, code)
                for kind, code in zip(prepared.result_types, codes, strict=True)
            ]
    except dialect.loaded_dbapi.Error as error:
        # As SQLAlchemy would raise it (IntegrityError, OperationalError, …).
        raise DBAPIError.instance(
            prepared.sql, arguments, error, dialect.loaded_dbapi.Error, dialect=dialect
        ) from error
    finally:
        cursor.close()
    if not any(convert):
        return [tuple(row) for row in fetched]
    return [
        tuple(item if step is None else step(item) for step, item in zip(convert, row, strict=True))
        for row in fetched
    ]


def _prepare(
    statement: Executable, dialect: Dialect, params: Mapping[str, Any]
) -> _Prepared | None:
    key = (id(statement), dialect.name, frozenset(params))
    try:
        return _prepared[key]
    except KeyError:
        pass
    compiled = cast(ClauseElement, statement).compile(dialect=dialect, column_keys=sorted(params))
    prepared = (
        _from_compiled(compiled, dialect, params) if isinstance(compiled, SQLCompiler) else None
    )
    with _guard:
        if len(_prepared) >= _MAX_ENTRIES:
            _prepared.clear()
            _statements.clear()
        _prepared[key] = prepared
        _statements[id(statement)] = statement
    return prepared


def _from_compiled(
    compiled: SQLCompiler, dialect: Dialect, params: Mapping[str, Any]
) -> _Prepared | None:
    # Column defaults computed at execution, and expanding or literal parameters (which change
    # the SQL with the values): not for this path.
    binds = compiled.bind_names
    if (
        compiled.insert_prefetch
        or compiled.update_prefetch
        or compiled.has_out_parameters
        or any(b.expanding or b in compiled.literal_execute_params for b in binds)
    ):
        return None
    processors: dict[str, Processor] = {}
    for name, step in compiled._bind_processors.items():
        if not callable(step):  # tuple types: not used here
            return None
        processors[name] = step
    constants: dict[str, Any] = {}
    for bind, name in binds.items():
        if name in params:
            continue
        if bind.required or bind.callable is not None:
            return None  # a value SQLAlchemy would ask for or compute: not ours to guess
        processor = processors.get(name)
        constants[name] = bind.value if processor is None else processor(bind.value)
    ordered = tuple(compiled.positiontup or ()) if dialect.positional else tuple(binds.values())
    escaped = compiled.escaped_bind_names
    return _Prepared(
        sql=compiled.string,
        names=tuple((name, escaped.get(name, name)) for name in ordered),
        positional=dialect.positional,
        constants=constants,
        processors=processors,
        result_types=tuple(column[3] for column in compiled._result_columns),
    )
