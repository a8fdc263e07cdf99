"""Sessions: read-only ones never hold SQLite's write lock; writers still queue safely."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from badge_issuer.audit.models import AuditEvent
from badge_issuer.db import create_db_engine, make_session_factory
from badge_issuer.kit.clock import utc_now


class TestReadOnlySessions:
    def test_a_reader_mid_transaction_does_not_block_a_writer(self, database_url: str) -> None:
        engine = create_db_engine(database_url)
        try:
            reader = make_session_factory(engine, read_only=True)()
            writer = make_session_factory(engine)()
            reader.execute(text("SELECT count(*) FROM audit_event")).scalar_one()
            started = time.monotonic()
            writer.add(
                AuditEvent(
                    occurred_at=utc_now(),
                    actor="t",
                    action="a",
                    target_type="x",
                    target_id="1",
                    details={},
                )
            )
            writer.commit()
            assert time.monotonic() - started < 2.0
            reader.rollback()
            reader.close()
            writer.close()
        finally:
            engine.dispose()


class TestSqliteWriterLock:
    """A write holds its process's writer lock from BEGIN to COMMIT, whichever thread ends it."""

    def test_a_thread_whose_last_write_is_still_open_waits_for_it(self, database_url: str) -> None:
        # FastAPI begins a request's session on one worker thread and commits it on another:
        # meanwhile the first thread may begin the next request's write. That write must queue
        # on the lock, not slip past it to sleep in SQLite's busy handler.
        if not database_url.startswith("sqlite"):
            pytest.skip("the in-process writer lock is SQLite's")
        engine = create_db_engine(database_url)
        factory = make_session_factory(engine)
        first, second = factory(), factory()
        try:
            first.add(_event("first"))
            first.flush()  # BEGIN IMMEDIATE on this thread: the lock is held
            committer = threading.Timer(0.3, first.commit)  # ended on another thread
            committer.start()
            started = time.monotonic()
            second.add(_event("second"))
            second.flush()
            waited = time.monotonic() - started
            raw = second.connection().connection.dbapi_connection
            assert getattr(raw, "holds_writer_lock", None) is True
            assert waited >= 0.25  # it queued behind the first write
            second.commit()
            committer.join()
        finally:
            first.close()
            second.close()
            engine.dispose()


def _event(actor: str) -> AuditEvent:
    return AuditEvent(
        occurred_at=utc_now(), actor=actor, action="a", target_type="x", target_id="1", details={}
    )
