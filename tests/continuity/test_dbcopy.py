"""badge-issuer db copy: SQLite to PostgreSQL, all or nothing, nothing handed out twice."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from badge_issuer.config import Settings
from badge_issuer.continuity.dbcopy import copy_database
from badge_issuer.continuity.errors import ContinuityError
from badge_issuer.continuity.tables import first_non_empty
from badge_issuer.kit.clock import utc_now
from badge_issuer.main import create_app
from tests.continuity.conftest import replay_examples
from tests.harness import Harness

ORIGIN = "http://localhost:8000"


def _status_indexes(url: str) -> list[tuple[int, int]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT status_list_id, status_index FROM award"))
            return [(int(a), int(b)) for a, b in rows]
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_service(harness: Harness) -> list[str]:
    return replay_examples(harness)


# The source is the embedded default, SQLite; the target is the PostgreSQL server of the run.
@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
class TestCopyToPostgres:
    def test_rows_copied_old_credentials_verify_new_awards_reuse_nothing(
        self,
        sqlite_service: list[str],
        harness: Harness,
        settings: Settings,
        new_database: Callable[[str], str],
    ) -> None:
        target_url = new_database("postgresql")
        result = copy_database(settings, target_url, now=utc_now())
        assert result.checks.ok, result.checks.failures
        assert result.row_counts["award"] == len(sqlite_service)
        assert result.checks.verified == len(sqlite_service)
        before = _status_indexes(target_url)
        moved = settings.model_copy(update={"database_url": target_url})
        app = create_app(moved)
        try:
            with TestClient(app) as client:
                for url in sqlite_service:
                    report = client.get(url.removeprefix(ORIGIN) + "/verification").json()
                    assert report["verified"] is True, report
                on_postgres = Harness(client=client, admin=harness.admin, secrets=harness.secrets)
                new_awards = []
                for number in range(3):
                    for course, day in (("DXL-101", "01"), ("SEC-120", "02")):
                        answer = on_postgres.post_completion(
                            "manabi-portal",
                            {
                                "learner": {"email": f"moved{number}@example.jp"},
                                "course_id": course,
                                "completed_at": f"2026-12-{day}T10:00:00+09:00",
                            },
                        )
                        assert answer.status_code == 201, answer.text
                        new_awards += answer.json()["awards"]
                assert len(new_awards) == 3, "two of the bronze courses earn it"
        finally:
            app.state.engine.dispose()
        after = _status_indexes(target_url)
        assert len(after) == len(before) + len(new_awards)
        assert len(set(after)) == len(after), "no status index is handed out twice"

    def test_a_target_with_rows_is_refused(
        self, sqlite_service: list[str], settings: Settings, new_database: Callable[[str], str]
    ) -> None:
        target_url = new_database("postgresql")
        copy_database(settings, target_url, now=utc_now())
        with pytest.raises(ContinuityError, match="not empty"):
            copy_database(settings, target_url, now=utc_now())

    def test_a_failure_half_way_leaves_the_target_empty(
        self,
        sqlite_service: list[str],
        settings: Settings,
        new_database: Callable[[str], str],
        tmp_path: Path,
    ) -> None:
        # PostgreSQL refuses NUL in text, SQLite stores it: the copy fails at the provider table,
        # after the tables before it were copied, and must leave nothing behind.
        source = create_engine(settings.database_url)
        with source.begin() as connection:
            connection.execute(text("UPDATE provider SET name = 'a' || char(0) || 'b'"))
        source.dispose()
        target_url = new_database("postgresql")
        with pytest.raises(ContinuityError, match="nothing was committed"):
            copy_database(settings, target_url, now=utc_now())
        target = create_engine(target_url)
        try:
            with target.connect() as connection:
                assert first_non_empty(connection) is None
        finally:
            target.dispose()

    def test_the_source_itself_is_refused(
        self, sqlite_service: list[str], settings: Settings
    ) -> None:
        with pytest.raises(ContinuityError, match="is the source"):
            copy_database(settings, settings.database_url, now=utc_now())
