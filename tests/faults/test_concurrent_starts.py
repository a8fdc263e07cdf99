"""Replicas that start together, or admins that change the skill map together, on PostgreSQL.

Making a skill map version current clears the old current one and inserts the new one under a
partial unique index ("one current version"). Two transactions doing that at once must queue,
not fail: otherwise two replicas started together with BADGE_ISSUER_SKILL_MAP crash one of
them, and two simultaneous PUT /v1/admin/skill-map give a 500.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from badge_issuer import bootstrap
from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory
from badge_issuer.kit.clock import utc_now
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.models import SkillMapVersion
from tests.faults.ledger import session_on
from tests.providers.factories import one_badge_per_course

SECOND_WRITER_HEAD_START = 0.5


def _store(settings: Settings, course: str, *, hold: threading.Event | None = None) -> None:
    """Store a map naming `course` as the current version; wait for `hold` before committing."""
    engine = create_db_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            document = one_badge_per_course("lms", course)
            checked = skillmap_service.check(session, data=document, allow_unknown_providers=True)
            skillmap_service.store_version(
                session, checked=checked, source_text=course, created_by="test", now=utc_now()
            )
            if hold is not None:
                hold.wait(timeout=30)
    finally:
        engine.dispose()


@pytest.mark.postgres
class TestConcurrentSkillMapVersions:
    def test_two_versions_stored_at_once_both_commit_and_the_later_is_current(
        self, settings: Settings, db_backend: str
    ) -> None:
        if db_backend != "postgresql":
            pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
        bootstrap.prepare(settings)  # the default issuer the maps' badges name
        first_may_commit = threading.Event()
        errors: list[BaseException] = []

        def second() -> None:
            try:
                _store(settings, "SECOND-101")
            except BaseException as error:  # reported by the assertion below
                errors.append(error)

        first = threading.Thread(
            target=_store, args=(settings, "FIRST-101"), kwargs={"hold": first_may_commit}
        )
        first.start()
        time.sleep(SECOND_WRITER_HEAD_START)  # the first has inserted its current version
        racer = threading.Thread(target=second)
        racer.start()
        time.sleep(SECOND_WRITER_HEAD_START)  # the second now waits on the first
        first_may_commit.set()
        first.join()
        racer.join()

        assert errors == []
        with session_on(settings) as session:
            versions = session.scalars(select(SkillMapVersion).order_by(SkillMapVersion.id))
            assert [(v.source_text, v.is_current) for v in versions] == [
                ("FIRST-101", False),
                ("SECOND-101", True),
            ]
