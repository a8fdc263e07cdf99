"""Migrations go up, all the way down and up again, and match the ORM models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from badge_issuer import migrate, models_registry
from badge_issuer.db import create_db_engine


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


class TestMigrations:
    def test_upgrade_downgrade_upgrade(self, database_url: str) -> None:
        at_head = _tables(database_url)
        assert "audit_event" in at_head
        migrate.downgrade(database_url, "base")
        assert _tables(database_url) <= {"alembic_version"}
        migrate.upgrade(database_url)
        assert _tables(database_url) == at_head

    def test_models_match_migrations(self, database_url: str) -> None:
        engine = create_db_engine(database_url)
        try:
            with engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                diff = compare_metadata(context, models_registry.metadata())
        finally:
            engine.dispose()
        assert diff == [], f"models and migrations differ: {diff}"

    def test_single_head(self) -> None:
        assert len(migrate.head_revisions()) == 1
