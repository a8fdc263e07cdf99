"""Replicas that start together, or admins that change the skill map together, on PostgreSQL.

Replicas of a new deployment all start at once on an empty database: each migrates (under the
migration lock), prepares the default issuer and its key, and loads the configured skill map;
all must become ready, with one issuer, one active key and one current skill map version.

Making a skill map version current clears the old current one and inserts the new one under a
partial unique index ("one current version"). Two transactions doing that at once must queue,
not fail: otherwise two replicas started together with BADGE_ISSUER_SKILL_MAP crash one of
them, and two simultaneous PUT /v1/admin/skill-map give a 500.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from badge_issuer import bootstrap, migrate
from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine, make_session_factory
from badge_issuer.issuers.models import Issuer
from badge_issuer.keys.models import KeyState, SigningKey
from badge_issuer.kit.clock import utc_now
from badge_issuer.skillmap import service as skillmap_service
from badge_issuer.skillmap.models import SkillMapVersion
from tests.faults.ledger import session_on
from tests.faults.servers import ServerProcess, server_env
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


REPLICAS = 3


@pytest.mark.postgres
@pytest.mark.slow
class TestReplicasStartingTogether:
    def test_replicas_started_at_once_on_an_empty_database_all_become_ready(
        self, settings: Settings, db_backend: str, tmp_path: Path
    ) -> None:
        if db_backend != "postgresql":
            pytest.skip("several processes share one database only on PostgreSQL")
        migrate.downgrade(settings.database_url, "base")  # a new deployment: nothing yet
        skill_map = tmp_path / "skill-map.json"
        skill_map.write_text(json.dumps(one_badge_per_course("lms", "START-101")))
        env = server_env(settings) | {"BADGE_ISSUER_SKILL_MAP": str(skill_map)}
        servers = [ServerProcess(env, tmp_path / f"server-{n}.log") for n in range(REPLICAS)]
        try:
            for server in servers:
                server.start()
            for server in servers:
                server.wait_ready()
        finally:
            for server in servers:
                server.stop()

        with session_on(settings) as session:
            assert session.scalar(select(func.count()).select_from(Issuer)) == 1
            states = session.scalars(select(SigningKey.state)).all()
            assert states == [KeyState.ACTIVE]
            versions = session.scalars(select(SkillMapVersion.is_current)).all()
            assert versions == [True]
