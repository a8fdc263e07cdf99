"""Sessions: read-only ones never hold SQLite's write lock; writers still queue safely."""

from __future__ import annotations

import time

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
