"""Liveness and readiness."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import text

from badge_issuer.config import Settings
from badge_issuer.db import create_db_engine


class TestHealth:
    def test_liveness_answers_ok(self, client: TestClient) -> None:
        response = client.get("/health")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    def test_ready_when_migrated(self, client: TestClient) -> None:
        response = client.get("/health/ready")
        assert response.status_code == 200, response.text
        names = {check["name"] for check in response.json()["checks"]}
        assert {"database", "migrations"} <= names

    def test_not_ready_when_migrations_are_behind(
        self, client: TestClient, settings: Settings
    ) -> None:
        engine = create_db_engine(settings.database_url)
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
        engine.dispose()
        response = client.get("/health/ready")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "migrations" in response.json()["detail"]
