"""Run Alembic migrations from code: `serve` upgrades before serving, readiness compares heads.

Several replicas may start (and so upgrade) at once. Each upgrade runs in one transaction that
first takes a lock: a PostgreSQL transaction-level advisory lock, or SQLite's write lock (the
engine begins with BEGIN IMMEDIATE). The second upgrader waits, then finds the schema at head
and does nothing, instead of failing on a half-created table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from badge_issuer.db import create_db_engine, is_sqlite

_REPO_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def migrations_dir() -> Path:
    """Locate `migrations/`: beside src/ in a checkout, or in the working directory (container)."""
    for candidate in (_REPO_MIGRATIONS, Path.cwd() / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("migrations/ not found beside the package or in the working directory")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    # ConfigParser interpolation would eat a '%' in a password.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


# Any fixed 64-bit number, the same in every process: pg_advisory_xact_lock's key ("badgemig").
MIGRATION_LOCK_KEY = 0x62616467656D6967


@contextmanager
def _locked_config(database_url: str) -> Iterator[Config]:
    """An Alembic config bound to one connection whose open transaction holds the lock."""
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection, connection.begin():
            if not is_sqlite(database_url):
                lock = text("SELECT pg_advisory_xact_lock(:key)")
                connection.execute(lock, {"key": MIGRATION_LOCK_KEY})
            config = alembic_config(database_url)
            # env.py runs on this connection; Alembic sees the open transaction and leaves
            # the commit to `connection.begin()` above, which also releases the lock.
            config.attributes["connection"] = connection
            yield config
    finally:
        engine.dispose()


def upgrade(database_url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision`; concurrent callers run one after the other."""
    with _locked_config(database_url) as config:
        command.upgrade(config, revision)


def downgrade(database_url: str, revision: str) -> None:
    """Revert migrations down to `revision`, under the same lock as upgrades."""
    with _locked_config(database_url) as config:
        command.downgrade(config, revision)


def head_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return set(script.get_heads())


def current_revisions(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())
