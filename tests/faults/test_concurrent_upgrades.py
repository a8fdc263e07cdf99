"""Replicas rolled out together all run `badge-issuer db upgrade` (or `serve`) at once.

Each upgrade takes a lock first (a PostgreSQL advisory lock, SQLite's write lock), so the
processes upgrade one after the other: one migrates, the others find the schema at head.
Without the lock, concurrent upgrades of an empty PostgreSQL database fail on duplicate tables.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from badge_issuer import migrate
from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine

PROCESSES = 4


def _revisions(database_url: str) -> set[str]:
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            return migrate.current_revisions(connection)
    finally:
        engine.dispose()


@pytest.mark.slow
class TestConcurrentUpgrades:
    def test_upgrades_started_together_on_an_empty_database_all_succeed(
        self, settings: Settings
    ) -> None:
        migrate.downgrade(settings.database_url, "base")
        env = {
            "BADGE_ISSUER_DATABASE_URL": settings.database_url,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        }
        command = [sys.executable, "-m", "badge_issuer", "db", "upgrade"]
        processes = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for _ in range(PROCESSES)
        ]
        outputs = [process.communicate(timeout=180)[0].decode()[-2000:] for process in processes]

        assert [p.returncode for p in processes] == [0] * PROCESSES, outputs
        assert _revisions(settings.database_url) == migrate.head_revisions()
