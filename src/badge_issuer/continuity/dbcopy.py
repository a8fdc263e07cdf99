"""`badge-issuer db copy --to URL`: move a deployment to another database, all or nothing.

The path for a deployment that outgrows one node: SQLite to PostgreSQL (any direction works).
The target is migrated to this version's head and must hold no rows; every table is then copied
in one transaction on the target, parents first, rows as they are (signing keys stay wrapped
under the same KEK, the audit log is only inserted into, status lists keep their counters), and
PostgreSQL's id sequences are advanced past the copied ids, so no id and no status index is
handed out twice. Row counts are compared inside that transaction (a difference rolls it back),
and after the commit every credential is verified against the target.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, Engine, Table, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from badge_issuer import migrate
from badge_issuer.config import Settings
from badge_issuer.continuity import dumps
from badge_issuer.continuity.checks import CheckResult, check_url
from badge_issuer.continuity.errors import ContinuityError
from badge_issuer.continuity.tables import first_non_empty, ordered_tables, row_counts
from badge_issuer.db import READ_ONLY, create_db_engine

BATCH_ROWS = 1000


@dataclass(frozen=True)
class CopyResult:
    """Rows copied per table, and the checks run on the target afterwards."""

    row_counts: dict[str, int]
    checks: CheckResult


def copy_database(
    settings: Settings,
    target_url: str,
    *,
    now: datetime,
    progress: Callable[[str], None] = lambda _message: None,
) -> CopyResult:
    """Copy every table of the configured database into the empty database `target_url`."""
    source_url = settings.database_url
    dumps.backend_of(target_url)
    if _same_database(source_url, target_url):
        raise ContinuityError("the target is the source database")
    _require_head(source_url)
    migrate.upgrade(target_url)
    source_engine, target_engine = create_db_engine(source_url), create_db_engine(target_url)
    try:
        with _snapshot(source_engine) as source, target_engine.begin() as target:
            non_empty = first_non_empty(target)
            if non_empty is not None:
                raise ContinuityError(
                    f"the target database is not empty (table {non_empty} holds rows)"
                )
            for table in ordered_tables():
                try:
                    copied = _copy_table(source, target, table)
                except (SQLAlchemyError, ValueError) as error:
                    raise ContinuityError(
                        f"copying table {table.name} failed ({_reason(error)}): "
                        "nothing was committed"
                    ) from None
                progress(f"{table.name}: {copied} rows")
            if target.dialect.name == "postgresql":
                _advance_sequences(target)
            counts = row_counts(source)
            if row_counts(target) != counts:
                raise ContinuityError("row counts differ after the copy: nothing was committed")
    finally:
        source_engine.dispose()
        target_engine.dispose()
    checks = check_url(settings.model_copy(update={"database_url": target_url}), now=now)
    return CopyResult(row_counts=counts, checks=checks)


def _reason(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [type(original).__name__])[0]


def _is_integer(column: Column[Any]) -> bool:
    try:
        return column.type.python_type is int
    except NotImplementedError:
        return False


def _same_database(first: str, second: str) -> bool:
    a, b = make_url(first), make_url(second)
    return (a.get_backend_name(), a.host, a.port, a.database) == (
        b.get_backend_name(),
        b.host,
        b.port,
        b.database,
    )


def _require_head(url: str) -> None:
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            rows = set(
                connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
            )
    except SQLAlchemyError as error:
        raise ContinuityError(
            f"the source database cannot be read as a migrated one ({type(error).__name__})"
        ) from None
    finally:
        engine.dispose()
    if rows != migrate.head_revisions():
        raise ContinuityError(
            "the source database is not at this version's schema: run `badge-issuer db upgrade`"
        )


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A read transaction on the source that sees one consistent state for the whole copy."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        else:
            connection = connection.execution_options(**{READ_ONLY: True})
        with connection.begin() as transaction:
            yield connection
            transaction.rollback()


def _copy_table(source: Connection, target: Connection, table: Table) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    result = source.execution_options(yield_per=BATCH_ROWS).execute(select(table).order_by(*order))
    copied = 0
    for rows in result.partitions():
        target.execute(insert(table), [dict(row._mapping) for row in rows])
        copied += len(rows)
    return copied


def _advance_sequences(target: Connection) -> None:
    """Set each id sequence to the largest copied id, so the next id is a new one."""
    for table in ordered_tables():
        for column in table.primary_key.columns:
            if not _is_integer(column):
                continue
            sequence = target.execute(
                select(func.pg_get_serial_sequence(table.name, column.name))
            ).scalar_one_or_none()
            if sequence is None:
                continue
            highest = target.execute(select(func.max(column))).scalar_one_or_none()
            target.execute(select(func.setval(sequence, highest or 1, highest is not None)))
