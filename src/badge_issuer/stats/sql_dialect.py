"""The one place where SQL dialects differ: period labels, and PostgreSQL session settings.

Period labels: both branches produce the labels of `periods.period_label` (2026-04, 2026-Q2,
2026), so the rest of the package never sees a dialect. PostgreSQL shifts with timezone(),
groups by date_trunc and formats each group with to_char; SQLite shifts and formats with
strftime (it stores naive UTC text). Every constant is inlined rather than bound, so the same
expression in SELECT and GROUP BY is textually identical (PostgreSQL matches them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, SQLColumnExpression, String, cast, func, literal_column, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause, ColumnElement

from badge_issuer.stats.periods import UTC_OFFSET
from badge_issuer.stats.query import Period

_POSTGRES_FORMATS = {Period.MONTH: "YYYY-MM", Period.QUARTER: 'YYYY-"Q"Q', Period.YEAR: "YYYY"}
_SQLITE_FORMATS = {Period.MONTH: "%Y-%m", Period.YEAR: "%Y"}


def prepare_session(session: Session) -> str:
    """Set the current transaction up for statistics; return the dialect name.

    On PostgreSQL, for this transaction only (SET LOCAL): no JIT, which spent about a second
    compiling the many-branch statements (their estimated cost is high) that then ran in
    milliseconds (bench/stats.py); more sort memory; custom plans only; and cheaper rows
    from parallel workers.
    """
    dialect_name = session.get_bind().dialect.name
    if dialect_name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        # Per-key sorts of a few tens of thousands of rows then stay in memory.
        session.execute(text("SET LOCAL work_mem = '32MB'"))
        # psycopg prepares a statement run five times; PostgreSQL may then switch to a generic
        # plan that ignores the actual date range and achievements (seen: 120 ms -> 700 ms).
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        # Groups by period are estimated at ~40 times their real number (no statistics on the
        # date_trunc expression), which priced the parallel plan's rows out: achievements by
        # category, cumulative month ran serially, 1.6x slower (bench/stats.py).
        session.execute(text("SET LOCAL parallel_tuple_cost = 0.01"))
    return dialect_name


@dataclass(frozen=True, slots=True)
class PeriodBucket:
    """How to group rows by period (`group`) and how to label each group (`label`)."""

    group: ColumnElement[Any]
    label: ColumnElement[str]


def period_bucket(
    dialect_name: str, period: Period, moment: SQLColumnExpression[datetime]
) -> PeriodBucket:
    """Return SQL expressions grouping `moment` (a UTC timestamp column) by its JST period."""
    if dialect_name == "postgresql":
        return _postgres_bucket(period, moment)
    if dialect_name == "sqlite":
        label = _sqlite_label(period, moment)
        return PeriodBucket(label, label)
    raise NotImplementedError(f"statistics do not support the {dialect_name} dialect")


def _postgres_bucket(period: Period, moment: SQLColumnExpression[datetime]) -> PeriodBucket:
    # timezone(interval, timestamptz) is the wall clock at that UTC offset (east positive).
    # Rows are grouped by date_trunc and only each group is formatted: to_char on every
    # counted award cost a third more (bench/stats.py).
    hours = int(UTC_OFFSET.total_seconds() // 3600)
    local = func.timezone(_inline(f"interval '{hours} hours'"), moment)
    start = func.date_trunc(_inline(f"'{period.value}'"), local)
    pattern = _inline(f"'{_POSTGRES_FORMATS[period]}'")
    return PeriodBucket(start, func.to_char(start, pattern, type_=String))


def _sqlite_label(period: Period, moment: SQLColumnExpression[datetime]) -> ColumnElement[str]:
    hours = int(UTC_OFFSET.total_seconds() // 3600)
    shift = _inline(f"'{hours:+d} hours'")
    if period is Period.QUARTER:
        year = func.strftime(_inline("'%Y'"), moment, shift, type_=String)
        month = cast(func.strftime(_inline("'%m'"), moment, shift), Integer)
        # SQLite divides integers as integers; op("/") keeps SQLAlchemy from adding FLOOR().
        quarter = cast((month + _inline("2")).self_group().op("/")(_inline("3")), String)
        return year.concat(literal_column("'-Q'", String)).concat(quarter)
    pattern = _inline(f"'{_SQLITE_FORMATS[period]}'")
    return func.strftime(pattern, moment, shift, type_=String)


def _inline(sql: str) -> ColumnClause[Any]:
    return literal_column(sql)


def supports_grouping_sets(dialect_name: str) -> bool:
    """Whether one statement can count cells and their totals (GROUP BY GROUPING SETS).

    SQLite has no grouping sets: there the totals take a statement of their own.
    """
    return dialect_name == "postgresql"
