"""Partial indexes declared once for both databases the service runs on."""

from __future__ import annotations

from sqlalchemy import Index, text


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """Return an index over the rows where the SQL condition `where` holds.

    PostgreSQL and SQLite both support partial indexes, each under its own dialect keyword;
    the condition must be SQL both accept. With `unique`, it keeps at most one such row per
    value of `columns` (e.g. one current row, one active key per issuer).
    """
    condition = text(where)
    return Index(name, *columns, unique=unique, sqlite_where=condition, postgresql_where=condition)
