"""The service's tables as the ORM declares them: counts, emptiness, dependency order."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Table, func, inspect, select

from badge_issuer.db import create_db_engine
from badge_issuer.models_registry import metadata

T = TypeVar("T")
# Not data: the migrations seed its one row and triggers replace its token whenever the tables
# it watches change (kit/config_version.py). A copy target has its own row, and the rows copied
# into it give that row a new token, which is exactly what a fresh database needs.
_MAINTAINED_BY_MIGRATIONS = frozenset({"config_version"})


def read_database(url: str, read: Callable[[Connection], T]) -> T:
    """Return `read` run on one connection to `url`, the engine disposed of afterwards."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            return read(connection)
    finally:
        engine.dispose()


def ordered_tables() -> list[Table]:
    """Every table of the schema that holds data, parents before the tables whose foreign keys
    name them."""
    return [
        table for table in metadata().sorted_tables if table.name not in _MAINTAINED_BY_MIGRATIONS
    ]


def row_counts(connection: Connection) -> dict[str, int]:
    """Return the number of rows of every table of the schema present in the database."""
    present = existing_tables(connection)
    return {
        table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
        for table in ordered_tables()
        if table.name in present
    }


def existing_tables(connection: Connection) -> set[str]:
    """Return the names of the tables present in the database (any schema objects of ours)."""
    return set(inspect(connection).get_table_names())


def first_non_empty(connection: Connection) -> str | None:
    """Return the name of a table of ours that holds rows, or None when all are empty."""
    present = existing_tables(connection)
    for table in ordered_tables():
        if table.name in present and connection.execute(select(table).limit(1)).first():
            return table.name
    return None
