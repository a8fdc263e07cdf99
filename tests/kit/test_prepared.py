"""kit.prepared: prebuilt statements on the driver's cursor give what SQLAlchemy gives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from sqlalchemy import Table, event, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from badge_issuer.db import create_db_engine, make_session_factory
from badge_issuer.kit import prepared
from badge_issuer.outbox.models import Channel, JobState, OutboxJob
from badge_issuer.providers.models import Provider

JOBS = cast(Table, OutboxJob.__table__)
PROVIDERS = cast(Table, Provider.__table__)
ADD_JOB = insert(JOBS).returning(JOBS.c.id, JOBS.c.payload, JOBS.c.next_attempt_at, JOBS.c.state)
JOB_STATE = update(JOBS).where(JOBS.c.event_id == "evt-1").values(state=JobState.DEAD)
FIRST_JOB = select(JOBS.c.payload, JOBS.c.created_at, JOBS.c.state).where(JOBS.c.id >= 1)
# Provider.status has a Python-side default: SQLAlchemy computes it at execution.
ADD_PROVIDER = insert(PROVIDERS).returning(PROVIDERS.c.status)
NOW = datetime(2026, 12, 7, 21, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = create_db_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def _job(event_id: str = "evt-1") -> dict[str, Any]:
    return {
        "event_id": event_id,
        "channel": Channel.MAIL,
        "event_type": "award.mail",
        "target": None,
        "payload": {"credential": "ü-1", "ids": [1, 2]},
        "sealed_recipient": b"\x00\x01",
        "state": JobState.PENDING,
        "attempts": 0,
        "schedule_offset": 0,
        "next_attempt_at": NOW,
        "created_at": NOW,
    }


class TestPreparedRows:
    def test_returned_columns_are_converted_as_sqlalchemy_converts_them(
        self, sessions: sessionmaker[Session]
    ) -> None:
        with sessions() as session:
            [(job_id, payload, due, state)] = prepared.rows(session, ADD_JOB, _job())
            assert payload == {"credential": "ü-1", "ids": [1, 2]}
            assert due == NOW
            assert due.tzinfo is not None
            assert state == "pending"
            through_sqlalchemy = session.execute(FIRST_JOB).one()
            assert prepared.rows(session, FIRST_JOB, {}) == [tuple(through_sqlalchemy)]
            assert isinstance(job_id, int)

    def test_a_write_without_returning_gives_no_rows_and_is_applied(
        self, sessions: sessionmaker[Session]
    ) -> None:
        with sessions() as session:
            prepared.rows(session, ADD_JOB, _job())
            assert prepared.rows(session, JOB_STATE, {}) == []
            assert session.execute(select(JOBS.c.state)).scalar_one() == "dead"

    def test_rows_belong_to_the_sessions_transaction(self, sessions: sessionmaker[Session]) -> None:
        with sessions() as session:
            prepared.rows(session, ADD_JOB, _job())
            session.rollback()
            assert session.execute(select(JOBS.c.id)).first() is None
            prepared.rows(session, ADD_JOB, _job("evt-2"))
            session.commit()
        with sessions() as session:
            assert session.execute(select(JOBS.c.event_id)).scalars().all() == ["evt-2"]

    def test_a_constraint_violation_raises_sqlalchemys_integrity_error(
        self, sessions: sessionmaker[Session]
    ) -> None:
        with sessions() as session:
            prepared.rows(session, ADD_JOB, _job())
            with pytest.raises(IntegrityError):
                prepared.rows(session, ADD_JOB, _job())

    def test_a_python_side_default_is_computed_by_sqlalchemy(
        self, sessions: sessionmaker[Session]
    ) -> None:
        values = {"id": "lms", "name": "LMS", "callback_url": None}
        with sessions() as session:
            now = {"created_at": NOW, "updated_at": NOW}
            assert prepared.rows(session, ADD_PROVIDER, {**values, **now}) == [("active",)]

    def test_a_statement_listener_sees_every_statement(
        self, sessions: sessionmaker[Session]
    ) -> None:
        seen: list[str] = []
        with sessions() as session:
            engine = session.get_bind()

            def listen(*args: Any) -> None:
                seen.append(args[2])

            event.listen(engine, "before_cursor_execute", listen)
            try:
                prepared.rows(session, ADD_JOB, _job())
                prepared.rows(session, FIRST_JOB, {})
            finally:
                event.remove(engine, "before_cursor_execute", listen)
        kinds = [statement.split()[0] for statement in seen]
        assert [kind for kind in kinds if kind != "BEGIN"] == ["INSERT", "SELECT"]

    def test_run_prepared_on_the_driver_connection_gives_the_same_rows(
        self, sessions: sessionmaker[Session]
    ) -> None:
        with sessions() as session:
            prepared.rows(session, ADD_JOB, _job())
            connection = session.connection()
            on_driver = prepared.run_prepared(
                connection.connection, connection.dialect, FIRST_JOB, {}
            )
            assert on_driver == prepared.rows(session, FIRST_JOB, {})
            assert on_driver[0][0] == {"credential": "ü-1", "ids": [1, 2]}
