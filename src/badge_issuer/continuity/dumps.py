"""Each database's own snapshot tools: SQLite's online backup API, pg_dump and pg_restore.

PostgreSQL's tools get the password through the environment (PGPASSWORD), never on a command
line where `ps` would show it, and their messages are passed on without the URL.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from badge_issuer.continuity.errors import ContinuityError
from badge_issuer.db import create_db_engine, is_sqlite


def backend_of(url: str) -> str:
    """Return `sqlite` or `postgresql`; anything else is refused."""
    if is_sqlite(url):
        return "sqlite"
    if make_url(url).get_backend_name() == "postgresql":
        return "postgresql"
    raise ContinuityError(f"unsupported database backend: {make_url(url).get_backend_name()}")


def sqlite_path(url: str) -> Path:
    """Return the file of a SQLite URL (an in-memory database has none)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ContinuityError("an in-memory SQLite database has no file to back up or restore")
    return Path(database)


def sqlite_snapshot(url: str, destination: Path) -> None:
    """Copy a live SQLite database page by page into `destination` (consistent, online)."""
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise ContinuityError(f"no SQLite database at {source_path}")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    raise ContinuityError(f"{name} is not installed (Debian: apt-get install postgresql-client)")


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """Return a libpq connection URL without the password, and the environment carrying it."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    # The arguments are a fixed tool path and options built here, never a shell string.
    completed = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        message = (completed.stderr.strip().splitlines() or ["no message"])[-1]
        raise ContinuityError(f"{what} failed: {message}")


@contextmanager
def postgres_snapshot(url: str) -> Iterator[tuple[Connection, str]]:
    """Hold a REPEATABLE READ transaction and yield it with its exported snapshot id.

    pg_dump given that snapshot sees exactly what this transaction sees, so the manifest's row
    counts describe the dump even while the service keeps writing.
    """
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                yield connection, str(snapshot)
    finally:
        engine.dispose()


def pg_dump(url: str, destination: Path, *, snapshot: str) -> None:
    """Dump the database in pg_dump's custom format, as of `snapshot`."""
    conninfo, env = _libpq(url)
    args = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    args += [f"--snapshot={snapshot}", f"--file={destination}", f"--dbname={conninfo}"]
    _run(args, env, "pg_dump")


def pg_restore(url: str, source: Path) -> None:
    """Restore a custom-format dump into `url` in one transaction (all or nothing)."""
    conninfo, env = _libpq(url)
    args = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction"]
    args += ["--exit-on-error", f"--dbname={conninfo}", str(source)]
    _run(args, env, "pg_restore")
