"""Database engine, sessions and the declarative base shared by every domain's models."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on every backend (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


BUSY_TIMEOUT_SECONDS = 30


class _WriterLock:
    """One per SQLite file and process: this process's writers queue here, in arrival order.

    SQLite's busy handler makes a waiting writer sleep in growing steps (up to 100 ms) and
    poll, so under load the file lock often sits free while writers sleep. Threads of one
    process instead hand the write lock over at once through this lock; other processes still
    meet on the file lock and the busy handler.

    The lock belongs to the connection's transaction, not to a thread: a request's session is
    begun on one worker thread and committed on another (FastAPI runs a dependency's teardown
    apart from the endpoint), so the thread that began a write may already serve the next
    request while that write is still open. An earlier version let a thread that "owned" the
    lock pass without waiting; under load that let a second write in, to sleep in the busy
    handler behind the first (seen under bench/load.py with a statement trace: INSERTs and
    UPDATEs of completions ran on connections that did not hold this lock).
    A thread that opened a second write while its first is open would wait on itself here,
    as it would on SQLite's own lock: no code path does that.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def acquire(self) -> bool:
        # A timeout leaves the decision to the busy handler, as without this lock.
        return self.lock.acquire(timeout=BUSY_TIMEOUT_SECONDS)

    def release(self) -> None:
        self.lock.release()


_writer_locks: dict[str, _WriterLock] = {}
_writer_locks_guard = threading.Lock()


def _writer_lock(database: str) -> _WriterLock:
    key = os.path.realpath(database) if database and not database.startswith("file:") else database
    with _writer_locks_guard:
        return _writer_locks.setdefault(key, _WriterLock())


class _SerialisedConnection(sqlite3.Connection):
    """A pysqlite connection that gives back its process's writer lock when its write ends."""

    writer_lock: _WriterLock | None = None
    holds_writer_lock = False

    def take_writer_lock(self) -> None:
        if self.writer_lock is not None and not self.holds_writer_lock:
            self.holds_writer_lock = self.writer_lock.acquire()

    def give_back_writer_lock(self) -> None:
        if self.holds_writer_lock and self.writer_lock is not None:
            self.holds_writer_lock = False
            self.writer_lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.give_back_writer_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.give_back_writer_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.give_back_writer_lock()


def _sqlite_configurer(database: str | None) -> Any:
    lock = _writer_lock(database) if database and database != ":memory:" else None

    def configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE, not pysqlite's deferred BEGIN.
        dbapi_connection.isolation_level = None
        if isinstance(dbapi_connection, _SerialisedConnection):
            dbapi_connection.writer_lock = lock
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return configure


READ_ONLY = "badge_issuer_read_only"


def _begin_immediate(connection: Any) -> None:
    # A deferred transaction that later writes can fail at once with SQLITE_BUSY when another
    # process writes; taking the write lock up front makes writers queue on busy_timeout instead.
    # Read-only sessions (see make_session_factory) keep the deferred BEGIN: with WAL, readers
    # never wait for the writer, so verifications and public reads do not queue behind writes.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
        return
    raw = connection.connection.dbapi_connection
    serialised = isinstance(raw, _SerialisedConnection)
    if serialised:
        raw.take_writer_lock()
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        if serialised:
            raw.give_back_writer_lock()
        raise


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            _create_private_file(database)
        connect_args = {
            "check_same_thread": False,
            "timeout": BUSY_TIMEOUT_SECONDS,
            "factory": _SerialisedConnection,
        }
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_configurer(database))
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, **kwargs)


def _create_private_file(database: str) -> None:
    """Create a new SQLite file with mode 0600: it holds learners' hashes and wrapped keys.

    SQLite gives its -wal and -shm files the mode of the database file, so they follow.
    """
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return


def make_session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions for the engine; `read_only` ones must not write (SQLite: deferred BEGIN)."""
    bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
    return sessionmaker(bind=bind, expire_on_commit=False, autoflush=True)


def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session that commits once at the end, or rolls back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
